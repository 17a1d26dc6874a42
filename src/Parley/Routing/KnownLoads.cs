using Parley.Channels;

namespace Parley.Routing;

/// <summary>
/// The loads one router's commits left, each with the advisor's load version it is exact at (0038, 0041: moved whenever a
/// conversation changes anything its advisor's load is counted from, by any writer) and the channel weights it is in
/// units of. A commit takes an advisor's load from here when neither moved since, and counts only the other advisors:
/// counting every advisor of every batch cost a tenth of SQLite's commit, and a seventh of PostgreSQL's work per
/// assignment, once advisors held tens of conversations each.
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

    /// <summary>
    /// The loads of the advisors whose version is the one known, in units of <paramref name="weights"/> (none when the
    /// weights changed since); the other advisors are added to <paramref name="unknown"/>.
    /// </summary>
    public Dictionary<long, KindLoads> Take(
        IReadOnlyDictionary<long, long> versions, Dictionary<(long AccountId, ChannelKind Channel), int> weights, List<long> unknown)
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
                    Taken++;
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

    private bool SameWeights(Dictionary<(long AccountId, ChannelKind Channel), int> weights) =>
        weights.Count == _weights.Count && weights.All(w => _weights.TryGetValue(w.Key, out var units) && units == w.Value);
}
