using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Console.Supervision;

/// <summary>
/// What a supervisor does from the supervision view, in their own accounts: reassign a conversation (the transfer rules
/// of Routing/Transfers), mark an advisor who left away or offline (the presence code: their conversations go back to
/// their queues by the presence sweep's rule), set a queue's targets. Advisors are refused; another account's
/// conversation, advisor or queue does not exist for the caller.
/// </summary>
public sealed class SupervisionActions(IDbContextFactory<ParleyDb> dbs, ConversationActions actions, ConversationEventHub hub)
{
    public async Task<Supervised<bool>> ReassignAsync(AdvisorSession by, long conversationId, TransferRequest request, CancellationToken ct)
    {
        if (!by.CanSupervise)
        {
            return Supervised.Refused<bool>(SupervisionRefusal.Forbidden, "Only supervisors and admins reassign from the supervision view.");
        }

        var outcome = await actions.TransferAsync(by, conversationId, request, ct);
        return outcome.Result switch
        {
            TransferResult.Done => new(true),
            TransferResult.NotFound => Supervised.Refused<bool>(SupervisionRefusal.NotFound, outcome.Detail!),
            TransferResult.Forbidden => Supervised.Refused<bool>(SupervisionRefusal.Forbidden, outcome.Detail!),
            _ => Supervised.Refused<bool>(SupervisionRefusal.Invalid, outcome.Detail!),
        };
    }

    /// <summary>An advisor who left without saying so: only away or offline, never online on their behalf.</summary>
    public async Task<Supervised<bool>> SetPresenceAsync(AdvisorSession by, long advisorId, Presence presence, CancellationToken ct)
    {
        if (!by.CanSupervise)
        {
            return Supervised.Refused<bool>(SupervisionRefusal.Forbidden, "Only supervisors and admins change a colleague's presence.");
        }

        if (presence is not (Presence.Away or Presence.Offline))
        {
            return Supervised.Refused<bool>(SupervisionRefusal.Invalid, "A supervisor sets a colleague away or offline; only they go online.");
        }

        var target = await CurrentAdvisor.LoadAsync(dbs, advisorId, ct);
        if (target is null || !target.AccountIds.Overlaps(by.AccountIds))
        {
            return Supervised.Refused<bool>(SupervisionRefusal.NotFound, "No such advisor in your accounts.");
        }

        await actions.SetPresenceAsync(target, presence, ct);
        return new(true);
    }

    public async Task<Supervised<bool>> SetTargetsAsync(AdvisorSession by, long queueId, QueueTargetsDto targets, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accountId = await db.Queues.Where(q => q.Id == queueId).Select(q => (long?)q.AccountId).FirstOrDefaultAsync(ct);
        if (SupervisionQueries.Refusal<bool>(by, accountId ?? 0) is { } refused)
        {
            return refused;
        }

        if (QueueTargets.Problem(targets) is { } problem)
        {
            return Supervised.Refused<bool>(SupervisionRefusal.Invalid, problem);
        }

        var row = await db.QueueTargets.FirstOrDefaultAsync(t => t.QueueId == queueId, ct);
        if (row is null)
        {
            row = new QueueTarget { QueueId = queueId };
            db.QueueTargets.Add(row);
        }

        row.AnswerWithinSeconds = targets.AnswerWithinSeconds;
        row.AlertAfterSeconds = targets.AlertAfterSeconds;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Supervised.Refused<bool>(SupervisionRefusal.Invalid, "Another supervisor set this queue's targets at the same time: try again.");
        }

        // Every supervision view of the account recomputes (its alerts and service level depend on the targets).
        hub.Publish(new QueueTargetsChanged(accountId!.Value, queueId));
        return new(true);
    }
}

/// <summary>A queue's service-level target or wait alert changed: supervision views of the account recompute.</summary>
public sealed record QueueTargetsChanged(long AccountId, long QueueId) : ConversationEvent(AccountId, 0);
