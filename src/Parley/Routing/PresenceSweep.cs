using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>The advisor's open conversations went back to their queues: they were away or offline too long.</summary>
public sealed record ConversationsRequeued(long AccountId, long AdvisorId, IReadOnlyList<long> ConversationIds) : ConversationEvent(AccountId, 0);

/// <summary>
/// Puts back in the queue the open conversations of advisors away or offline for longer than
/// <see cref="RoutingOptions.RequeueAfter"/>, with a system message and a handoff reporting event each, and tells the
/// advisor (<see cref="ConversationsRequeued"/> on the event hub). Safe on several nodes: each advisor is claimed by
/// taking their row lock (the lock assignments take; on SQLite the write gate) and checking their presence again under
/// it, and a second node finds nothing left open.
/// </summary>
public sealed class PresenceSweep(
    IDbContextFactory<ParleyDb> dbs,
    ConversationWriter writer,
    ConversationEventHub hub,
    WriteGate gate,
    TimeProvider clock,
    IOptions<RoutingOptions> options,
    ILogger<PresenceSweep> logger) : BackgroundService
{
    private static readonly Presence[] Gone = [Presence.Away, Presence.Offline];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Presence sweep failed");
            }

            await Task.Delay(options.Value.SweepEvery, clock, stoppingToken);
        }
    }

    /// <summary>One sweep; returns how many conversations went back to a queue.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.RequeueAfter;
        List<long> gone;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            gone = await db.Advisors.AsNoTracking()
                .Where(a => Gone.Contains(a.Presence) && a.PresenceChangedAt <= cutoff)
                .Where(a => db.Conversations.Any(c => c.AssigneeId == a.Id
                    && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer)))
                .Select(a => a.Id)
                .ToListAsync(ct);
        }

        var requeued = 0;
        foreach (var advisorId in gone)
        {
            requeued += await RequeueAsync(
                advisorId,
                a => Gone.Contains(a.Presence) && a.PresenceChangedAt <= cutoff,
                a => $"{a.DisplayName} was {a.Presence.ToString().ToLowerInvariant()} too long",
                ct);
        }

        return requeued;
    }

    /// <summary>At once, whatever the presence (an admin disabled the advisor): the same steps as the sweep's.</summary>
    public Task<int> RequeueNowAsync(long advisorId, string reason, CancellationToken ct) =>
        RequeueAsync(advisorId, _ => true, _ => reason, ct);

    private async Task<int> RequeueAsync(long advisorId, Func<Advisor, bool> due, Func<Advisor, string> why, CancellationToken ct)
    {
        using var pass = await gate.EnterAsync(ct);
        await using var db = await pass.CreateDbContextAsync(dbs, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await EngineStore.LockAdvisorAsync(db, advisorId, ct);
        var advisor = await db.Advisors.AsNoTracking().FirstAsync(a => a.Id == advisorId, ct);
        if (!due(advisor))
        {
            return 0;
        }

        var ids = await db.Conversations
            .Where(c => c.AssigneeId == advisorId && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer))
            .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        await EngineStore.LockConversationsAsync(db, ids, ct);
        var conversations = await db.Conversations.Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var events = new List<ConversationEvent>();
        var fallbackQueues = new Dictionary<long, long?>();
        var moved = new List<Conversation>();
        foreach (var conversation in conversations.Where(c => c.AssigneeId == advisorId && c.IsOpen))
        {
            var queueId = conversation.QueueId ?? await FallbackQueueAsync(db, conversation.AccountId, fallbackQueues, ct);
            if (queueId is not { } queue)
            {
                continue;
            }

            var reason = why(advisor);
            writer.Queue(db, conversation, queue, events, reason);
            conversation.AssignmentReason = new AssignmentReason(AssignmentRule.Requeued, Note: reason + ".", ByAdvisorId: advisorId).ToJson();
            writer.AddOutbound(db, conversation, AuthorKind.System, null, ContentType.Text,
                $"{advisor.DisplayName} is not available: the conversation went back to the queue.", null, events);
            moved.Add(conversation);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        writer.Publish(events);
        foreach (var account in moved.GroupBy(c => c.AccountId))
        {
            hub.Publish(new ConversationsRequeued(account.Key, advisorId, account.Select(c => c.Id).ToList()));
        }

        return moved.Count;
    }

    /// <summary>A conversation taken straight from the bot has no queue: it goes to its account's first one.</summary>
    private static async Task<long?> FallbackQueueAsync(ParleyDb db, long accountId, Dictionary<long, long?> known, CancellationToken ct)
    {
        if (!known.TryGetValue(accountId, out var queueId))
        {
            queueId = await db.Queues.Where(q => q.AccountId == accountId).OrderBy(q => q.Id).Select(q => (long?)q.Id).FirstOrDefaultAsync(ct);
            known[accountId] = queueId;
        }

        return queueId;
    }
}
