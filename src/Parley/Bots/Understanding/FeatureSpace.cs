namespace Parley.Bots.Understanding;

/// <summary>
/// The features seen in training and their weights: a hash maps to a column, and a text becomes a sparse vector of
/// tf-idf values (log-scaled counts, rare features weigh more), scaled to unit length so long and short messages compare.
/// Read-only once built: many threads may project texts at once.
/// </summary>
internal sealed class FeatureSpace
{
    private readonly Dictionary<ulong, int> _columns;
    private readonly float[] _idf;

    private FeatureSpace(Dictionary<ulong, int> columns, float[] idf)
    {
        _columns = columns;
        _idf = idf;
    }

    public int Count => _idf.Length;

    /// <summary>Columns for every feature of the training texts, weighted by how few texts have them.</summary>
    public static FeatureSpace Build(IReadOnlyList<List<ulong>> documents)
    {
        var columns = new Dictionary<ulong, int>();
        var documentCounts = new List<int>();
        var seen = new HashSet<ulong>();
        foreach (var hashes in documents)
        {
            seen.Clear();
            foreach (var hash in hashes)
            {
                if (!seen.Add(hash))
                {
                    continue;
                }

                if (columns.TryGetValue(hash, out var column))
                {
                    documentCounts[column]++;
                }
                else
                {
                    columns.Add(hash, documentCounts.Count);
                    documentCounts.Add(1);
                }
            }
        }

        var idf = documentCounts.Select(df => (float)(Math.Log((documents.Count + 1.0) / (df + 1.0)) + 1.0)).ToArray();
        return new FeatureSpace(columns, idf);
    }

    /// <summary>
    /// Writes the text's known features into <paramref name="columns"/> and <paramref name="values"/> (sorted by column,
    /// unit length) and returns how many there are. Unknown features are dropped: no weight was learnt for them.
    /// </summary>
    public int Project(List<ulong> hashes, Span<int> columns, Span<float> values)
    {
        var count = 0;
        foreach (var hash in hashes)
        {
            if (_columns.TryGetValue(hash, out var column))
            {
                columns[count++] = column;
            }
        }

        columns[..count].Sort();
        var distinct = 0;
        var squares = 0.0;
        for (var i = 0; i < count;)
        {
            var run = 1;
            while (i + run < count && columns[i + run] == columns[i])
            {
                run++;
            }

            var value = (float)((1.0 + Math.Log(run)) * _idf[columns[i]]);
            columns[distinct] = columns[i];
            values[distinct++] = value;
            squares += value * value;
            i += run;
        }

        var scale = squares > 0 ? (float)(1.0 / Math.Sqrt(squares)) : 0f;
        for (var i = 0; i < distinct; i++)
        {
            values[i] *= scale;
        }

        return distinct;
    }
}
