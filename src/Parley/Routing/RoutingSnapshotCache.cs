using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// One router's memory between passes: the <see cref="RoutingTeam"/> (read again whenever <see cref="RoutingVersion"/>
/// moved: one single-row query per pass) and the advisors' loads, corrected by every batch's recount under the advisors'
/// locks instead of read again for all 1,000 advisors each pass.
/// </summary>
/// <remarks>
/// Cached loads may be stale both ways, which costs time, never capacity (the commit counts again under the locks):
/// too low (another node assigned meanwhile) and the commit refuses, recounts and corrects them; too high (a conversation
/// resolved or transferred) and an advisor with room looks full. So a plan on cached loads covers every online advisor,
/// full or not, and when it leaves a waiting conversation unplanned the loads are read again and the pass plans afresh,
/// with only the advisors who have room, as before the cache.
/// </remarks>
public sealed class RoutingSnapshotCache
{
    private readonly Lock _lock = new();
    private RoutingTeam? _team;
    private Dictionary<long, KindLoads> _loads = [];

    /// <summary>Reads the pass's snapshot and plans on it; returns the plan.</summary>
    public async Task<IReadOnlyList<Allocation>> PlanAsync(ParleyDb db, TimeProvider clock, TimeSpan priorityStep, int batchSize, CancellationToken ct)
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
                loads = await AdvisorLoad.OfAsync(db, team.Advisors.Select(a => a.Id).ToList(), ct);
                lock (_lock)
                {
                    (_team, _loads) = (team, new Dictionary<long, KindLoads>(loads));
                }
            }
            else
            {
                lock (_lock)
                {
                    loads = new Dictionary<long, KindLoads>(_loads);
                }
            }

            var advisors = RoutingSnapshot.Available(team, loads, withRoomOnly: fresh);
            var snapshot = await RoutingSnapshot.ReadAsync(db, team, advisors, priorityStep, batchSize, ct);
            var plan = snapshot.Waiting.Count == 0
                ? []
                : AllocationPlanner.Plan(clock.GetUtcNow().UtcDateTime, snapshot.Waiting, snapshot.Advisors, snapshot.Rules);
            if (fresh || plan.Count == snapshot.Waiting.Count)
            {
                return plan;
            }

            fresh = true;
        }
    }

    /// <summary>Loads counted by a batch under its advisors' locks and grown by what it committed: exact at that commit.</summary>
    public void Correct(IEnumerable<long> advisorIds, IReadOnlyDictionary<long, KindLoads> counted)
    {
        lock (_lock)
        {
            foreach (var id in advisorIds)
            {
                _loads[id] = counted.GetValueOrDefault(id);
            }
        }
    }
}
