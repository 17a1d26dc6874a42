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
                Load = db.Conversations.Count(c => c.AssigneeId == a.Id
                    && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer)),
                Queues = db.AdvisorQueues.Where(q => q.AdvisorId == a.Id).Select(q => q.QueueId).ToList(),
            })
            .ToListAsync(cancellationToken);
        var advisors = online
            .Where(a => a.Load < a.Capacity && a.Queues.Count > 0)
            .Select(a => new AvailableAdvisor(a.Id, a.Queues.ToHashSet(), a.Capacity, a.Load))
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
        foreach (var allocation in AllocationPlanner.Plan(waiting, advisors))
        {
            try
            {
                if (await AssignOneAsync(allocation, cancellationToken))
                {
                    assigned++;
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // Taken over or changed meanwhile; the next pass sees the fresh state.
            }
        }

        return assigned;
    }

    private async Task<bool> AssignOneAsync(Allocation allocation, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ConversationWriter.LockAsync(db, [allocation.ConversationId], cancellationToken);
        var conversation = await db.Conversations.FirstAsync(c => c.Id == allocation.ConversationId, cancellationToken);
        if (conversation.Status != ConversationStatus.Queued)
        {
            return false;
        }

        var advisor = await db.Advisors.AsNoTracking().FirstAsync(a => a.Id == allocation.AdvisorId, cancellationToken);
        var events = new List<ConversationEvent>();
        await writer.AssignAsync(db, conversation, advisor, events, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        writer.Publish(events);
        return true;
    }
}
