using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>
/// Assigns queued conversations to online advisors with room, whenever something changes (a conversation
/// queued or resolved, an advisor online) and every few seconds as a safety net.
/// </summary>
public sealed class Router(
    IDbContextFactory<ParleyDb> dbs,
    RoutingSignal signal,
    ConversationWriter writer,
    WriteGate gate,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<RoutingOptions> options,
    ILogger<Router> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await AssignAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Routing pass failed");
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    /// <summary>One routing pass; returns how many conversations it assigned.</summary>
    public async Task<int> AssignAsync(CancellationToken cancellationToken)
    {
        RoutingSnapshot snapshot;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            // Read without a lock, so possibly stale by the time of an assignment: AssignOneAsync checks again.
            snapshot = await RoutingSnapshot.ReadAsync(db, options.Value.PriorityStep, BatchSize, cancellationToken);
        }

        if (snapshot.Waiting.Count == 0)
        {
            return 0;
        }

        var assigned = 0;
        var refused = false;
        foreach (var allocation in AllocationPlanner.Plan(clock.GetUtcNow().UtcDateTime, snapshot.Waiting, snapshot.Advisors, snapshot.Rules))
        {
            try
            {
                switch (await AssignOneAsync(allocation, cancellationToken))
                {
                    case Outcome.Assigned:
                        assigned++;
                        break;
                    case Outcome.AdvisorFull or Outcome.AdvisorUnavailable:
                        refused = true;
                        break;
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // Taken over or changed meanwhile; the next pass sees the fresh state.
            }
        }

        if (refused)
        {
            // Planned on stale loads: others may still have room for what stayed queued. A fresh pass plans again.
            signal.Ring();
        }

        return assigned;
    }

    internal enum Outcome
    {
        Assigned,
        NoLongerQueued,
        AdvisorFull,

        /// <summary>No longer online (busy, away, offline) since the plan.</summary>
        AdvisorUnavailable,
    }

    /// <summary>Assigns one planned conversation, if it is still queued and the advisor still has room.</summary>
    internal async Task<Outcome> AssignOneAsync(Allocation allocation, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The plan used loads read without a lock: another pass, here or on another node, may have filled the advisor
        // since. Holding the advisor's row (PostgreSQL; on SQLite the write gate excludes every other writer) makes
        // this count and the assignment one step, so two passes cannot both take the advisor's last place.
        await EngineStore.LockAdvisorAsync(db, allocation.AdvisorId, cancellationToken);
        var advisor = await db.Advisors.AsNoTracking().FirstAsync(a => a.Id == allocation.AdvisorId, cancellationToken);
        if (advisor.Presence != Presence.Online)
        {
            return Outcome.AdvisorUnavailable;
        }

        await EngineStore.LockConversationsAsync(db, [allocation.ConversationId], cancellationToken);
        var conversation = await db.Conversations.FirstAsync(c => c.Id == allocation.ConversationId, cancellationToken);
        if (conversation.Status != ConversationStatus.Queued)
        {
            return Outcome.NoLongerQueued;
        }

        var kind = AdvisorLoad.KindOf(conversation.IsPublic);
        var units = AdvisorLoad.Units(await AdvisorLoad.WeightsAsync(db, cancellationToken), conversation.AccountId, conversation.Channel);
        var load = (await AdvisorLoad.OfAsync(db, [advisor.Id], cancellationToken)).GetValueOrDefault(advisor.Id).For(kind);
        if (load + units > (kind == ConversationKind.Public ? advisor.PublicCapacity : advisor.Capacity))
        {
            return Outcome.AdvisorFull;
        }

        var events = new List<ConversationEvent>();
        await writer.AssignAsync(db, conversation, advisor, events, cancellationToken);
        conversation.AssignmentReason = WithTransferNote(allocation.Reason ?? new AssignmentReason(AssignmentRule.Skills), AssignmentReason.Parse(conversation.AssignmentReason)).ToJson();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        writer.Publish(events);
        return Outcome.Assigned;
    }

    /// <summary>A conversation transferred to a queue keeps the transfer's note once routing gives it to someone.</summary>
    private static AssignmentReason WithTransferNote(AssignmentReason reason, AssignmentReason? previous) =>
        previous is { Rule: AssignmentRule.Transfer, Note: not null } ? reason with { Note = previous.Note, ByAdvisorId = previous.ByAdvisorId } : reason;

}
