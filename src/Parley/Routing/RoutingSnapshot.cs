using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>
/// What one routing pass plans on, read in a fixed number of queries whatever the number of conversations (no round
/// trip per conversation): online advisors with their queues, skills and loads; the waiting conversations with their
/// requirements, weights and sticky advisor; the queues' relaxation steps. Read without locks: assignments check again.
/// </summary>
public sealed record RoutingSnapshot(IReadOnlyList<AvailableAdvisor> Advisors, IReadOnlyList<WaitingConversation> Waiting, PlanningRules Rules)
{
    public static readonly RoutingSnapshot Empty = new([], [], PlanningRules.Default);

    public static async Task<RoutingSnapshot> ReadAsync(ParleyDb db, TimeSpan priorityStep, int batchSize, CancellationToken ct)
    {
        var online = await db.Advisors.AsNoTracking()
            .Where(a => a.Presence == Presence.Online)
            .Select(a => new
            {
                a.Id,
                a.Capacity,
                a.PublicCapacity,
                Queues = db.AdvisorQueues.Where(q => q.AdvisorId == a.Id).Select(q => q.QueueId).ToList(),
            })
            .ToListAsync(ct);
        if (online.Count == 0)
        {
            return Empty;
        }

        var ids = online.Select(a => a.Id).ToList();
        var loads = await AdvisorLoad.OfAsync(db, ids, ct);
        var skills = (await db.AdvisorSkills.AsNoTracking().Where(s => ids.Contains(s.AdvisorId)).ToListAsync(ct)).ToLookup(s => s.AdvisorId);
        var advisors = online
            .Select(a => new AvailableAdvisor(
                a.Id, a.Queues.ToHashSet(),
                new Room(a.Capacity, loads.GetValueOrDefault(a.Id).Private),
                new Room(a.PublicCapacity, loads.GetValueOrDefault(a.Id).Public),
                skills[a.Id].ToDictionary(s => s.SkillId, s => s.Level)))
            .Where(a => a.QueueIds.Count > 0 && (a.Private.Load < a.Private.Capacity || a.Public.Load < a.Public.Capacity))
            .ToList();
        if (advisors.Count == 0)
        {
            return Empty;
        }

        var queueIds = advisors.SelectMany(a => a.QueueIds).Distinct().ToList();
        var rows = await db.Conversations.AsNoTracking()
            .Where(c => c.Status == ConversationStatus.Queued && c.QueueId != null && queueIds.Contains(c.QueueId.Value))
            .OrderByDescending(c => c.Priority).ThenBy(c => c.QueuedAt)
            .Take(batchSize)
            .Select(c => new { c.Id, QueueId = c.QueueId!.Value, c.Priority, QueuedAt = c.QueuedAt ?? c.CreatedAt, c.AccountId, c.Channel, c.IsPublic, c.ContactId })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return Empty;
        }

        var needs = await ConversationRequirements.OfAsync(db, rows.Select(r => (r.Id, r.QueueId)).ToList(), ct);
        var weights = await AdvisorLoad.WeightsAsync(db, ct);
        var waitingQueues = rows.Select(r => r.QueueId).Distinct().ToList();
        var sticky = await db.Queues.AsNoTracking().Where(q => waitingQueues.Contains(q.Id) && q.StickySeconds > 0)
            .ToDictionaryAsync(q => q.Id, q => TimeSpan.FromSeconds(q.StickySeconds), ct);
        var stickyRows = rows.Where(r => sticky.ContainsKey(r.QueueId)).ToList();
        var lastAdvisors = stickyRows.Count == 0
            ? []
            : await StickyRouting.LastAdvisorsAsync(db, stickyRows.Select(r => r.ContactId).Distinct().ToList(),
                stickyRows.Min(r => r.QueuedAt) - sticky.Values.Max(), ct);
        var relaxations = (await db.QueueRelaxations.AsNoTracking().Where(r => waitingQueues.Contains(r.QueueId)).ToListAsync(ct))
            .GroupBy(r => r.QueueId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RelaxationStep>)g.OrderBy(r => r.AfterSeconds).ThenBy(r => r.Id)
                .Select(r => new RelaxationStep(TimeSpan.FromSeconds(r.AfterSeconds), r.SkillId, r.LowerTo)).ToList());

        var waiting = rows.Select(r => new WaitingConversation(
                r.Id, r.QueueId, r.Priority, r.QueuedAt, AdvisorLoad.KindOf(r.IsPublic), AdvisorLoad.Units(weights, r.AccountId, r.Channel), needs[r.Id],
                StickyRouting.AdvisorFor(lastAdvisors, r.ContactId, r.QueuedAt, sticky.GetValueOrDefault(r.QueueId))))
            .ToList();
        return new RoutingSnapshot(advisors, waiting, new PlanningRules(priorityStep, relaxations));
    }
}
