using Parley.Channels;

namespace Parley.Routing;

/// <summary>
/// The loads one router's commits counted on SQLite, each with the advisor's load version it was exact at (0038: moved by
/// triggers whenever a conversation changes what its advisor's load is counted from, by any writer) and the channel
/// weights it was counted in. A commit under the write gate takes an advisor's load from here when neither moved since,
/// and counts only the other advisors. Counting every advisor of every pass cost a tenth of SQLite's commit once
/// advisors held tens of conversations each.
/// </summary>
/// <remarks>
/// Not on PostgreSQL: there a version would have to be moved by every writer under a lock, and writers that hold a
/// conversation while waiting for that lock could deadlock with a routing batch that holds the version and waits for the
/// conversation. Its batches count under the advisors' locks, as before.
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

    /// <summary>Keeps the loads of a commit that ended, exact at the versions its own writes left.</summary>
    public void Remember(IReadOnlyDictionary<long, long> versions, IReadOnlyDictionary<long, KindLoads> loads)
    {
        lock (_lock)
        {
            foreach (var (id, version) in versions)
            {
                _known[id] = (version, loads.GetValueOrDefault(id));
            }
        }
    }

    private bool SameWeights(Dictionary<(long AccountId, ChannelKind Channel), int> weights) =>
        weights.Count == _weights.Count && weights.All(w => _weights.TryGetValue(w.Key, out var units) && units == w.Value);
}
