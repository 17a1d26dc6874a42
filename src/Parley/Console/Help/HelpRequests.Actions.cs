using Microsoft.EntityFrameworkCore;
using Parley.Console.Notes;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Help;

/// <summary>What a helper does with a request; and closing, which the requester may do too.</summary>
public sealed partial class HelpRequests
{
    /// <summary>A private answer: an internal note that names the requester (so they are notified); the request is answered.</summary>
    public Task<HelpOutcome> AnswerAsync(AdvisorSession helper, long requestId, string text, CancellationToken ct) =>
        HelpAsync(helper, requestId, text, async (request, body) =>
        {
            var requester = await NameAsync(request.RequesterId, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            if (!await UpdateOpenAsync(request.Id, s => s.SetProperty(r => r.Status, HelpStatus.Answered)
                    .SetProperty(r => r.AnsweredById, helper.Id).SetProperty(r => r.AnsweredAt, now), ct))
            {
                return HelpOutcome.Closed();
            }

            var outcome = await notes.AddAsync(helper, request.ConversationId, $"@{requester} {body}", ct);
            return outcome.Note is null ? HelpOutcome.Invalid(outcome.Problem ?? "The answer could not be written.") : null;
        }, ct);

    /// <summary>A whisper: a note in the conversation for the advisors (the requester sees it live in the timeline); nothing else changes.</summary>
    public Task<HelpOutcome> WhisperAsync(AdvisorSession helper, long requestId, string text, CancellationToken ct) =>
        HelpAsync(helper, requestId, text, async (request, body) =>
        {
            var outcome = await notes.AddAsync(helper, request.ConversationId, body, ct);
            return outcome.Note is null ? HelpOutcome.Invalid(outcome.Problem ?? "The whisper could not be written.") : null;
        }, ct);

    /// <summary>The helper joins: the request shows them as with it (in every helper's list) until it is closed.</summary>
    public Task<HelpOutcome> JoinAsync(AdvisorSession helper, long requestId, CancellationToken ct) =>
        HelpAsync(helper, requestId, null, async (request, _) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return await UpdateOpenAsync(request.Id, s => s.SetProperty(r => r.JoinedById, helper.Id).SetProperty(r => r.JoinedAt, now), ct)
                ? null
                : HelpOutcome.Closed();
        }, ct);

    /// <summary>The helper takes the conversation over (the console's take-over: assigned to them), which closes the request.</summary>
    public Task<HelpOutcome> TakeOverAsync(AdvisorSession helper, long requestId, CancellationToken ct) =>
        HelpAsync(helper, requestId, null, async (request, _) =>
        {
            var taken = await actions.TakeOverAsync(helper, request.ConversationId, ct);
            return taken.Ok ? await CloseCoreAsync(helper, request, takenOver: true, ct) : HelpOutcome.Invalid(taken.Error!);
        }, ct);

    /// <summary>Closes the request (its requester or a helper), leaving the trace note in the conversation.</summary>
    public async Task<HelpOutcome> CloseAsync(AdvisorSession advisor, long requestId, CancellationToken ct)
    {
        var (request, refusal) = await FindAsync(advisor, requestId, mayBeRequester: true, ct);
        return refusal ?? await CloseCoreAsync(advisor, request!, takenOver: false, ct) ?? new HelpOutcome(HelpResult.Ok, await ViewAsync(requestId, ct));
    }

    /// <summary>Checks the helper and the text, runs the step (null: done), announces the change and answers the request as it is now.</summary>
    private async Task<HelpOutcome> HelpAsync(
        AdvisorSession helper, long requestId, string? text, Func<HelpRequest, string, Task<HelpOutcome?>> step, CancellationToken ct)
    {
        var body = text?.Trim() ?? "";
        if (text is not null && HelpRules.TextProblem(body, "The text") is { } problem)
        {
            return HelpOutcome.Invalid(problem);
        }

        var (request, refusal) = await FindAsync(helper, requestId, mayBeRequester: false, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (request!.Status == HelpStatus.Closed)
        {
            return HelpOutcome.Closed();
        }

        if (await step(request, body) is { } failed)
        {
            return failed;
        }

        hub.Publish(new HelpRequestChanged(request.AccountId, request.ConversationId, request.Id));
        return new HelpOutcome(HelpResult.Ok, await ViewAsync(requestId, ct));
    }

    /// <summary>The request if the advisor may act on it: missing outside their accounts, forbidden when they do not help on it.</summary>
    private async Task<(HelpRequest? Request, HelpOutcome? Refusal)> FindAsync(AdvisorSession advisor, long requestId, bool mayBeRequester, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var request = await db.HelpRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || !advisor.CanAccess(request.AccountId))
        {
            return (null, HelpOutcome.NotFound());
        }

        if (mayBeRequester && request.RequesterId == advisor.Id)
        {
            return (request, null);
        }

        var teams = await TeamsAsync(db, [request.RequesterId, advisor.Id], ct);
        return HelpRules.CanHelp(advisor, request.AccountId, teams.Of(request.RequesterId, request.AccountId), teams.Of(advisor.Id, request.AccountId))
            ? (request, null)
            : (null, new HelpOutcome(HelpResult.Forbidden, Detail: "Only a supervisor of this advisor can act on their help request."));
    }

    /// <summary>Closes the request and writes its trace note, in one transaction; null when done.</summary>
    private async Task<HelpOutcome?> CloseCoreAsync(AdvisorSession by, HelpRequest request, bool takenOver, CancellationToken ct)
    {
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var closed = await db.HelpRequests.Where(r => r.Id == request.Id && r.Status != HelpStatus.Closed).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, HelpStatus.Closed).SetProperty(r => r.ClosedById, by.Id)
                .SetProperty(r => r.ClosedAt, now).SetProperty(r => r.TakenOver, takenOver), ct);
            if (closed == 0)
            {
                return HelpOutcome.Closed();
            }

            var answeredBy = await db.HelpRequests.Where(r => r.Id == request.Id)
                .Select(r => db.Advisors.Where(a => a.Id == r.AnsweredById).Select(a => a.DisplayName).FirstOrDefault()).FirstAsync(ct);
            var requester = await db.Advisors.Where(a => a.Id == request.RequesterId).Select(a => a.DisplayName).FirstAsync(ct);
            var note = new ConversationNote
            {
                ConversationId = request.ConversationId, AccountId = request.AccountId, AuthorId = by.Id,
                Body = HelpRules.Trace(requester, request.Note, answeredBy, by.DisplayName, takenOver),
                AfterSeq = await db.Conversations.Where(c => c.Id == request.ConversationId).Select(c => c.LastSeq).FirstAsync(ct),
                CreatedAt = now,
            };
            db.ConversationNotes.Add(note);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            hub.Publish(new NoteAdded(request.AccountId, request.ConversationId, note.Id));
        }

        hub.Publish(new HelpRequestChanged(request.AccountId, request.ConversationId, request.Id));
        return null;
    }

    private async Task<bool> UpdateOpenAsync(
        long requestId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<HelpRequest>> set, CancellationToken ct)
    {
        using var pass = await gate.EnterAsync(ct);
        await using var db = await pass.CreateDbContextAsync(dbs, ct);
        return await db.HelpRequests.Where(r => r.Id == requestId && r.Status != HelpStatus.Closed).ExecuteUpdateAsync(set, ct) > 0;
    }

    private async Task<string> NameAsync(long advisorId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Advisors.Where(a => a.Id == advisorId).Select(a => a.DisplayName).FirstAsync(ct);
    }
}
