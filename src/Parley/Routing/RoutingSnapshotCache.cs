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
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Allocation> _reserved = [];
    private RoutingTeam? _team;
    private Dictionary<long, KindLoads> _loads = [];

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
        lock (_lock)
        {
            team = _team;
        }

        var fresh = false;
        if (team is null || team.Version != version)
        {
            team = await RoutingTeam.ReadAsync(db, version, ct);
            fresh = true;
        }

        while (true)
        {
            Dictionary<long, KindLoads> loads;
            if (fresh)
            {
                var counted = await AdvisorLoad.OfAsync(db, team.Advisors.Select(a => a.Id).ToList(), ct);
                lock (_lock)
                {
                    (_team, _loads) = (team, new Dictionary<long, KindLoads>(counted));
                }
            }

            HashSet<long> skip = [];
            lock (_lock)
            {
                loads = new Dictionary<long, KindLoads>(_loads);
                if (pastReserved)
                {
                    foreach (var held in _reserved.Values)
                    {
                        loads[held.AdvisorId] = loads.GetValueOrDefault(held.AdvisorId).Plus(held.Kind, held.Units);
                    }

                    skip = [.. _reserved.Keys];
                }
            }

            var advisors = RoutingSnapshot.Available(team, loads, withRoomOnly: fresh);
            var snapshot = await RoutingSnapshot.ReadAsync(db, team, advisors, priorityStep, batchSize, ct, skip);
            var plan = snapshot.Waiting.Count == 0
                ? []
                : AllocationPlanner.Plan(clock.GetUtcNow().UtcDateTime, snapshot.Waiting, snapshot.Advisors, snapshot.Rules);
            if (fresh || plan.Count == snapshot.Waiting.Count)
            {
                lock (_lock)
                {
                    foreach (var allocation in plan)
                    {
                        _reserved[allocation.ConversationId] = allocation;
                    }
                }

                return (plan, snapshot.Waiting.Count >= batchSize, team);
            }

            fresh = true;
        }
    }

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
