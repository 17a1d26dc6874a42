using System.Buffers;

namespace Parley.Bots.Understanding;

/// <summary>
/// Classifies a customer's message into one of the intents it was trained on, from example phrases in any mix of
/// French, English and Italian. Immutable once trained: <see cref="Predict"/> only reads, so any number of threads may
/// call it at once; per call it allocates only the prediction it returns.
/// </summary>
public sealed class IntentModel
{
    /// <summary>How many intents a prediction's ranking lists, best first.</summary>
    public const int RankingSize = 5;

    [ThreadStatic]
    private static List<ulong>? t_hashes;

    private readonly string[] _intents;
    private readonly FeatureSpace _space;
    private readonly LinearWeights _weights;

    private IntentModel(string[] intents, FeatureSpace space, LinearWeights weights)
    {
        _intents = intents;
        _space = space;
        _weights = weights;
    }

    /// <summary>The intents it can predict, in the order they first appeared in the examples.</summary>
    public IReadOnlyList<string> Intents => _intents;

    public static IntentModel Train(IEnumerable<IntentExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var intents = new List<string>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var documents = new List<List<ulong>>();
        var documentLabels = new List<int>();
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!labels.TryGetValue(example.Intent, out var label))
            {
                label = intents.Count;
                labels.Add(example.Intent, label);
                intents.Add(example.Intent);
            }

            var hashes = new List<ulong>();
            IntentFeatures.Extract(example.Text, hashes);
            documents.Add(hashes);
            documentLabels.Add(label);
        }

        var space = FeatureSpace.Build(documents);
        var sparse = new List<SparseExample>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var columns = new int[documents[i].Count];
            var values = new float[documents[i].Count];
            var count = space.Project(documents[i], columns, values);
            sparse.Add(new SparseExample(columns[..count], values[..count], documentLabels[i]));
        }

        var weights = SoftmaxTrainer.Train(sparse, space.Count, intents.Count, cancellationToken);
        return new IntentModel([.. intents], space, weights);
    }

    public IntentPrediction Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_intents.Length == 0)
        {
            return new IntentPrediction(null, 0, []);
        }

        var hashes = t_hashes ??= new List<ulong>(256);
        IntentFeatures.Extract(text, hashes);
        var columns = ArrayPool<int>.Shared.Rent(Math.Max(hashes.Count, 1));
        var values = ArrayPool<float>.Shared.Rent(Math.Max(hashes.Count, 1));
        var stride = _weights.Stride;
        var scores = ArrayPool<float>.Shared.Rent(stride);
        try
        {
            var count = _space.Project(hashes, columns, values);
            var sums = scores.AsSpan(0, stride);
            _weights.Bias.CopyTo(sums);
            for (var j = 0; j < count; j++)
            {
                SoftmaxTrainer.AddScaled(sums, _weights.Rows.AsSpan(columns[j] * stride, stride), values[j]);
            }

            var probabilities = sums[.._intents.Length];
            SoftmaxTrainer.Softmax(probabilities);
            return Rank(probabilities);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(columns);
            ArrayPool<float>.Shared.Return(values);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    // A partial selection of the best few: sorting every intent would cost more than the scoring for large models.
    private IntentPrediction Rank(ReadOnlySpan<float> probabilities)
    {
        var size = Math.Min(RankingSize, probabilities.Length);
        Span<int> best = stackalloc int[size];
        var filled = 0;
        for (var k = 0; k < probabilities.Length; k++)
        {
            if (filled == size && probabilities[k] <= probabilities[best[size - 1]])
            {
                continue;
            }

            var at = filled < size ? filled++ : size - 1;
            while (at > 0 && probabilities[best[at - 1]] < probabilities[k])
            {
                best[at] = best[at - 1];
                at--;
            }

            best[at] = k;
        }

        var ranking = new IntentScore[size];
        for (var i = 0; i < size; i++)
        {
            ranking[i] = new IntentScore(_intents[best[i]], probabilities[best[i]]);
        }

        return new IntentPrediction(ranking[0].Intent, ranking[0].Score, ranking);
    }
}
