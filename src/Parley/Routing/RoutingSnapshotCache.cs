using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// One router's memory between passes: the <see cref="RoutingTeam"/> (read again whenever <see cref="RoutingVersion"/>
/// moved: one single-row query per pass), the advisors' loads, corrected by every batch's recount under the advisors'
/// locks instead of read again for all 1,000 advisors each pass, and the plans not yet committed.
/// </summary>
/// <remarks>
/// Cached loads may be stale both ways, which costs time, never capacity (the commit counts again under the locks):
/// too low (another node assigned meanwhile) and the commit refuses, recounts and corrects them; too high (a conversation
/// resolved or transferred) and an advisor with room looks full. So a plan on cached loads covers every online advisor,
/// full or not, and when it leaves a waiting conversation unplanned the loads are read again and the pass plans afresh,
/// with only the advisors who have room, as before the cache.
/// <para>
/// A plan reserves what it allocates until its commit has counted it (<see cref="Correct"/>) or given up
/// (<see cref="Release"/>). The next pass's plan, made while this one commits, reads past the reserved conversations and
/// counts the reserved units in the advisors' loads, so the two plans neither hand out the same conversation nor fill the
/// same place twice. Any other plan ignores reservations, as if it ran on another node: it may plan what a plan in flight
/// holds, and the commit that comes second finds it taken.
/// </para>
/// </remarks>
public sealed class RoutingSnapshotCache
{
    /// <summary>The loads the router's commits left: a plan that counts afresh takes those nobody moved since.</summary>
    internal KnownLoads Known { get; } = new();

    private readonly Lock _lock = new();
    private readonly Dictionary<long, Allocation> _reserved = [];
    private RoutingTeam? _team;
    private Dictionary<long, KindLoads> _loads = [];
    private bool _headHeld;
    private DateTimeOffset _countedAt;

    /// <summary>Reads the pass's snapshot and plans on it; returns the plan, reserved until committed or released.</summary>
    /// <returns>
    /// The plan, whether the read was full (more conversations may be waiting behind it), and the team it was planned with
    /// (with the <see cref="RoutingVersion"/> it was read at).
    /// </returns>
    /// <param name="pastReserved">Plan past the reservations: the next pass's plan, made while this one commits.</param>
    public async Task<(IReadOnlyList<Allocation> Plan, bool Full, RoutingTeam Team)> PlanAsync(
        ParleyDb db, TimeProvider clock, TimeSpan priorityStep, int batchSize, bool pastReserved, CancellationToken ct)
    {
        var version = await RoutingVersion.ReadAsync(db, ct);
        RoutingTeam? team;
        bool headHeld;
        DateTimeOffset countedAt;
        lock (_lock)
        {
            (team, headHeld, countedAt) = (_team, _headHeld, _countedAt);
        }

        // While the line's head is held (the last plan had to read past it), a plan that stops at the head would leave it
        // unplanned again, and counting every advisor's load afresh for each pass would cost more than the plan: the plan
        // reads past the head on the cached loads, counted afresh once they are LoadsLifetimeWhileHeld old.
        var fresh = headHeld && clock.GetUtcNow() - countedAt >= LoadsLifetimeWhileHeld;
        if (team is null || team.Version != version)
        {
            team = await RoutingTeam.ReadAsync(db, version, ct);
            fresh = true;
        }

        var held = headHeld && !fresh;

        while (true)
        {
            Dictionary<long, KindLoads> loads;
            if (fresh)
            {
                var counted = await Known.PlanLoadsAsync(db, team.Advisors.Select(a => a.Id).ToList(), ct);
                lock (_lock)
                {
                    (_team, _loads, _countedAt) = (team, new Dictionary<long, KindLoads>(counted), clock.GetUtcNow());
                }
            }

            HashSet<long> skip = [];
            lock (_lock)
            {
                loads = new Dictionary<long, KindLoads>(_loads);
                if (pastReserved)
                {
                    foreach (var reserved in _reserved.Values)
                    {
                        loads[reserved.AdvisorId] = loads.GetValueOrDefault(reserved.AdvisorId).Plus(reserved.Kind, reserved.Units);
                    }

                    skip = [.. _reserved.Keys];
                }
            }

            var advisors = RoutingSnapshot.Available(team, loads, withRoomOnly: fresh);
            var queues = RoutingSnapshot.QueuesOf(advisors);
            var snapshot = await RoutingSnapshot.ReadAsync(db, team, advisors, priorityStep, batchSize, ct, skip, queueIds: queues);
            var plan = snapshot.Waiting.Count == 0
                ? []
                : AllocationPlanner.Plan(clock.GetUtcNow().UtcDateTime, snapshot.Waiting, snapshot.Advisors, snapshot.Rules);
            if (fresh || held || plan.Count == snapshot.Waiting.Count)
            {
                var full = snapshot.Waiting.Count >= batchSize;
                headHeld = (fresh || held) && full && plan.Count < snapshot.Waiting.Count;
                if (headHeld)
                {
                    (plan, full) = await DeeperAsync(
                        db, clock, team, loads, plan, snapshot, queues, priorityStep, batchSize, skip, ct);
                }

                // Held, a plan on cached loads that places nothing may be missing room they hide (a conversation resolved
                // since): it is made afresh at once.
                if (held && plan.Count == 0)
                {
                    (fresh, held) = (true, false);
                    continue;
                }

                lock (_lock)
                {
                    _headHeld = headHeld;
                    foreach (var allocation in plan)
                    {
                        _reserved[allocation.ConversationId] = allocation;
                    }
                }

                return (plan, full, team);
            }

            (fresh, held) = (true, false);
        }
    }

    /// <summary>How long loads counted afresh serve plans that read past a held head of the line.</summary>
    internal static readonly TimeSpan LoadsLifetimeWhileHeld = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Past a full read that left conversations unplanned (they need a skill, a queue or room nobody with room has), the
    /// line behind it is read in windows that double in size, while advisors have room and the pass is not full, down to
    /// <see cref="MaxDepth"/> pass sizes. Without it, a head of the line that nobody online can take would hold back every
    /// conversation behind it that somebody could. Each window is planned on the room the windows before it left, so the
    /// order of the line is kept among those that can be placed.
    /// </summary>
    /// <returns>The plan, and whether the last window read was full (more may wait behind it).</returns>
    private static async Task<(IReadOnlyList<Allocation> Plan, bool Full)> DeeperAsync(
        ParleyDb db, TimeProvider clock, RoutingTeam team, Dictionary<long, KindLoads> loads, IReadOnlyList<Allocation> plan,
        RoutingSnapshot first, List<long> queueIds, TimeSpan priorityStep, int batchSize, HashSet<long> skip, CancellationToken ct)
    {
        var planned = new List<Allocation>(plan);
        var seen = first.Waiting.Select(w => w.Id).ToHashSet();
        var full = true;
        var window = plan;
        var read = batchSize + skip.Count;
        for (var size = batchSize; full && planned.Count < batchSize && read < MaxDepth * batchSize; size *= 2)
        {
            foreach (var allocation in window)
            {
                loads[allocation.AdvisorId] = loads.GetValueOrDefault(allocation.AdvisorId).Plus(allocation.Kind, allocation.Units);
            }

            var withRoom = RoutingSnapshot.Available(team, loads, withRoomOnly: true);
            if (withRoom.Count == 0)
            {
                break;
            }

            // The same line as the first read (its queues), so the offset counts in its order.
            // Windows that double in size: the line is read in a few statements, each from its offset.
            size = Math.Min(size, (MaxDepth * batchSize) - read);
            var next = await RoutingSnapshot.ReadAsync(db, team, withRoom, priorityStep, size, ct, skip, read, queueIds);
            read += size + skip.Count;
            full = next.Waiting.Count >= size;

            // A commit beside this read may have moved the line: what was read already is not planned twice.
            var waiting = next.Waiting.Where(w => seen.Add(w.Id)).ToList();
            window = waiting.Count == 0
                ? []
                : [.. AllocationPlanner.Plan(clock.GetUtcNow().UtcDateTime, waiting, withRoom, next.Rules).Take(batchSize - planned.Count)];
            planned.AddRange(window);
        }

        return (planned, full);
    }

    /// <summary>How deep a pass reads the waiting line, in pass sizes, when its head cannot be placed.</summary>
    internal const int MaxDepth = 16;

    /// <summary>
    /// Loads counted by a batch under its advisors' locks and grown by what it committed: exact at that commit. The batch's
    /// reservations end with it.
    /// </summary>
    public void Correct(IEnumerable<long> advisorIds, IReadOnlyDictionary<long, KindLoads> counted, IEnumerable<Allocation> batch)
    {
        lock (_lock)
        {
            foreach (var id in advisorIds)
            {
                _loads[id] = counted.GetValueOrDefault(id);
            }

            Unreserve(batch);
        }
    }

    /// <summary>Ends the reservations of a plan that will not be committed (a failure, or a plan left unused).</summary>
    public void Release(IEnumerable<Allocation> plan)
    {
        lock (_lock)
        {
            Unreserve(plan);
        }
    }

    /// <summary>Only the plan's own reservations: once ended, the conversation may be another plan's.</summary>
    private void Unreserve(IEnumerable<Allocation> plan)
    {
        foreach (var allocation in plan)
        {
            if (_reserved.TryGetValue(allocation.ConversationId, out var held) && ReferenceEquals(held, allocation))
            {
                _reserved.Remove(allocation.ConversationId);
            }
        }
    }
}
