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
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var online = await db.Advisors.AsNoTracking()
            .Where(a => a.Presence == Presence.Online)
            .Select(a => new
            {
                a.Id,
                a.Capacity,
                Queues = db.AdvisorQueues.Where(q => q.AdvisorId == a.Id).Select(q => q.QueueId).ToList(),
            })
            .ToListAsync(cancellationToken);
        if (online.Count == 0)
        {
            return 0;
        }

        // Read without a lock, so possibly stale by the time of an assignment: AssignOneAsync checks again.
        var loads = await AdvisorLoad.OfAsync(db, online.Select(a => a.Id).ToList(), cancellationToken);
        var advisors = online
            .Select(a => new AvailableAdvisor(a.Id, a.Queues.ToHashSet(), a.Capacity, loads.GetValueOrDefault(a.Id)))
            .Where(a => a.Load < a.Capacity && a.QueueIds.Count > 0)
            .ToList();
        if (advisors.Count == 0)
        {
            return 0;
        }

        var queueIds = advisors.SelectMany(a => a.QueueIds).Distinct().ToList();
        var waiting = await db.Conversations.AsNoTracking()
            .Where(c => c.Status == ConversationStatus.Queued && c.QueueId != null && queueIds.Contains(c.QueueId.Value))
            .OrderByDescending(c => c.Priority).ThenBy(c => c.QueuedAt)
            .Take(BatchSize)
            .Select(c => new WaitingConversation(c.Id, c.QueueId!.Value, c.Priority, c.QueuedAt ?? c.CreatedAt))
            .ToListAsync(cancellationToken);

        var assigned = 0;
        var refused = false;
        foreach (var allocation in AllocationPlanner.Plan(waiting, advisors))
        {
            try
            {
                switch (await AssignOneAsync(allocation, cancellationToken))
                {
                    case Outcome.Assigned:
                        assigned++;
                        break;
                    case Outcome.AdvisorFull:
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
        var load = (await AdvisorLoad.OfAsync(db, [advisor.Id], cancellationToken)).GetValueOrDefault(advisor.Id);
        if (load >= advisor.Capacity)
        {
            return Outcome.AdvisorFull;
        }

        await EngineStore.LockConversationsAsync(db, [allocation.ConversationId], cancellationToken);
        var conversation = await db.Conversations.FirstAsync(c => c.Id == allocation.ConversationId, cancellationToken);
        if (conversation.Status != ConversationStatus.Queued)
        {
            return Outcome.NoLongerQueued;
        }

        var events = new List<ConversationEvent>();
        await writer.AssignAsync(db, conversation, advisor, events, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        writer.Publish(events);
        return Outcome.Assigned;
    }

}
