using Parley.Channels;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// The loads one router's commits left, each with the advisor's load version it is exact at (0038, 0041: moved whenever a
/// conversation changes anything its advisor's load is counted from, by any writer) and the channel weights it is in
/// units of. A commit takes an advisor's load from here when neither moved since, and counts only the other advisors:
/// counting every advisor of every batch cost a tenth of SQLite's commit, and a seventh of PostgreSQL's work per
/// assignment, once advisors held tens of conversations each. A plan that counts every advisor's load afresh takes them
/// from here too (<see cref="PlanLoadsAsync"/>).
/// </summary>
/// <remarks>
/// SQLite's triggers move the version as each write happens (one writer at a time, under the write gate), routing's own
/// assignments too, so a commit reads the versions back after its writes. On PostgreSQL a routing batch claims its
/// advisors' versions itself, and other writers move them when they commit (0041: the order of the locks); the loads
/// are exact at one version before the claim.
/// </remarks>
internal sealed class KnownLoads
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (long Version, KindLoads Loads)> _known = [];
    private Dictionary<(long AccountId, ChannelKind Channel), int> _weights = [];

    /// <summary>How many advisors' loads commits took from here instead of counting them (for tests).</summary>
    public int Taken { get; private set; }

    /// <summary>How many advisors' loads plans took from here instead of counting them (for tests).</summary>
    public int TakenByPlans { get; private set; }

    /// <summary>
    /// The loads of the advisors at these versions: taken from here for those whose version is the one known, in units of
    /// <paramref name="weights"/> (none are taken when the weights changed since), counted in these units for the others.
    /// In the context's transaction if it has one.
    /// </summary>
    /// <param name="byPlan">For a plan's count, made without locks (<see cref="PlanLoadsAsync"/>), not a commit's.</param>
    public async Task<Dictionary<long, KindLoads>> LoadsAsync(
        ParleyDb db, IReadOnlyDictionary<long, long> versions, Dictionary<(long AccountId, ChannelKind Channel), int> weights, bool byPlan,
        CancellationToken cancellationToken)
    {
        var unknown = new List<long>();
        var loads = Take(versions, weights, unknown, byPlan);
        if (unknown.Count > 0)
        {
            foreach (var (id, counted) in await AdvisorLoad.OfAsync(db, unknown, cancellationToken, weights))
            {
                loads[id] = counted;
            }
        }

        return loads;
    }

    private Dictionary<long, KindLoads> Take(
        IReadOnlyDictionary<long, long> versions, Dictionary<(long AccountId, ChannelKind Channel), int> weights, List<long> unknown, bool byPlan)
    {
        var loads = new Dictionary<long, KindLoads>(versions.Count);
        lock (_lock)
        {
            if (!SameWeights(weights))
            {
                _known.Clear();
                _weights = weights;
            }

            foreach (var (id, version) in versions)
            {
                if (_known.TryGetValue(id, out var known) && known.Version == version)
                {
                    loads[id] = known.Loads;
                    if (byPlan)
                    {
                        TakenByPlans++;
                    }
                    else
                    {
                        Taken++;
                    }
                }
                else
                {
                    unknown.Add(id);
                }
            }
        }

        return loads;
    }

    /// <summary>
    /// Keeps the loads of a commit that ended, exact at the versions its own writes left. Versions only grow: a commit that
    /// comes to remember after a later one of the same advisor (passes racing on one router) leaves the later one's.
    /// </summary>
    public void Remember(IReadOnlyDictionary<long, long> versions, IReadOnlyDictionary<long, KindLoads> loads)
    {
        lock (_lock)
        {
            foreach (var (id, version) in versions)
            {
                if (!_known.TryGetValue(id, out var known) || known.Version < version)
                {
                    _known[id] = (version, loads.GetValueOrDefault(id));
                }
            }
        }
    }

    /// <summary>
    /// A plan's count of the loads of every advisor it plans on, without locks (<see cref="RoutingSnapshotCache"/>, when it
    /// counts afresh): the versions as committed now, the loads of those known at that version taken, the others counted.
    /// A commit here left each known version as it committed it (PostgreSQL: the version it claimed, which its commit made
    /// visible with its assignments; SQLite: the version its writes left), and every other writer's change moves it in the
    /// same commit as the change: a version read unmoved is a load unmoved. Counting all of them took 40 – 110 ms of the
    /// passes at the end of a burst on PostgreSQL (1,000 advisors, 40 conversations each), when plans count afresh.
    /// </summary>
    public async Task<Dictionary<long, KindLoads>> PlanLoadsAsync(ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken) =>
        await LoadsAsync(
            db, await EngineStore.ReadLoadVersionsAsync(db, advisorIds, cancellationToken), await AdvisorLoad.WeightsAsync(db, cancellationToken),
            byPlan: true, cancellationToken);

    private bool SameWeights(Dictionary<(long AccountId, ChannelKind Channel), int> weights) =>
        weights.Count == _weights.Count && weights.All(w => _weights.TryGetValue(w.Key, out var units) && units == w.Value);
}
