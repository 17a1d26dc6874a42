using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// What one routing pass plans on, read in a fixed number of queries whatever the number of conversations (no round
/// trip per conversation): advisors with their queues, skills and loads (<see cref="RoutingTeam"/>, kept between passes by
/// <see cref="RoutingSnapshotCache"/>); the waiting conversations with their requirements, weights and sticky advisor;
/// the queues' relaxation steps. Read without locks: assignments check again.
/// </summary>
public sealed record RoutingSnapshot(IReadOnlyList<AvailableAdvisor> Advisors, IReadOnlyList<WaitingConversation> Waiting, PlanningRules Rules)
{
    public static readonly RoutingSnapshot Empty = new([], [], PlanningRules.Default);

    /// <summary>Everything read afresh, loads included.</summary>
    public static async Task<RoutingSnapshot> ReadAsync(ParleyDb db, TimeSpan priorityStep, int batchSize, CancellationToken ct)
    {
        var team = await RoutingTeam.ReadAsync(db, await RoutingVersion.ReadAsync(db, ct), ct);
        var loads = await AdvisorLoad.OfAsync(db, team.Advisors.Select(a => a.Id).ToList(), ct);
        return await ReadAsync(db, team, Available(team, loads, withRoomOnly: true), priorityStep, batchSize, ct);
    }

    /// <summary>The team's advisors with these loads; only those with room in either capacity when asked.</summary>
    public static List<AvailableAdvisor> Available(RoutingTeam team, IReadOnlyDictionary<long, KindLoads> loads, bool withRoomOnly) =>
        team.Advisors
            .Select(a => new AvailableAdvisor(
                a.Id, a.QueueIds,
                new Room(a.Capacity, loads.GetValueOrDefault(a.Id).Private),
                new Room(a.PublicCapacity, loads.GetValueOrDefault(a.Id).Public),
                a.Skills))
            .Where(a => !withRoomOnly || a.Private.Load < a.Private.Capacity || a.Public.Load < a.Public.Capacity)
            .ToList();

    /// <summary>The queues these advisors serve.</summary>
    public static List<long> QueuesOf(IReadOnlyList<AvailableAdvisor> advisors) => advisors.SelectMany(a => a.QueueIds).Distinct().ToList();

    /// <summary>The waiting conversations of the advisors' queues, planned on with these advisors and the team's rules.</summary>
    /// <param name="skip">Conversations another plan holds until its commit: read past, never planned twice.</param>
    /// <param name="offset">Where in the waiting line to start reading (a deeper window of the same line).</param>
    /// <param name="queueIds">The queues whose line is read: by default the advisors'.</param>
    public static async Task<RoutingSnapshot> ReadAsync(
        ParleyDb db, RoutingTeam team, IReadOnlyList<AvailableAdvisor> advisors, TimeSpan priorityStep, int batchSize, CancellationToken ct,
        IReadOnlySet<long>? skip = null, int offset = 0, IReadOnlyCollection<long>? queueIds = null)
    {
        if (advisors.Count == 0)
        {
            return Empty;
        }

        await db.Database.OpenConnectionAsync(ct);
        var skipped = skip?.Count ?? 0;
        var rows = await EngineStore.ReadWaitingAsync(db, queueIds ?? QueuesOf(advisors), batchSize + skipped, ct, offset);
        if (skipped > 0)
        {
            rows = rows.Where(r => !skip!.Contains(r.Id)).Take(batchSize).ToList();
        }

        if (rows.Count == 0)
        {
            return Empty;
        }

        var needs = await ConversationRequirements.OfAsync(db, team.QueueNeeds, rows.Select(r => (r.Id, r.QueueId)).ToList(), ct);
        var stickyRows = rows.Where(r => team.StickyWindows.ContainsKey(r.QueueId)).ToList();
        var lastAdvisors = stickyRows.Count == 0
            ? []
            : await StickyRouting.LastAdvisorsAsync(db, stickyRows.Select(r => r.ContactId).Distinct().ToList(),
                stickyRows.Min(r => r.QueuedAt) - team.StickyWindows.Values.Max(), ct);
        var waiting = rows.Select(r => new WaitingConversation(
                r.Id, r.QueueId, r.Priority, r.QueuedAt, AdvisorLoad.KindOf(r.IsPublic), AdvisorLoad.Units(team.Weights, r.AccountId, r.Channel), needs[r.Id],
                StickyRouting.AdvisorFor(lastAdvisors, r.ContactId, r.QueuedAt, team.StickyWindows.GetValueOrDefault(r.QueueId))))
            .ToList();
        return new RoutingSnapshot(advisors, waiting, new PlanningRules(priorityStep, team.Relaxations));
    }
}
