using System.Numerics;

namespace Parley.Bots.Understanding;

/// <summary>One training text as a sparse, unit-length vector, and the index of its intent.</summary>
internal sealed record SparseExample(int[] Columns, float[] Values, int Label);

/// <summary>
/// The learnt weights: one row of <see cref="Stride"/> floats per feature (one per intent, padded to the SIMD width), so
/// scoring a text adds up a few hundred contiguous rows, and a bias per intent.
/// </summary>
internal sealed record LinearWeights(float[] Rows, float[] Bias, int Stride);

/// <summary>
/// Multinomial logistic regression trained by stochastic gradient descent: a softmax over one linear score per intent.
/// Chosen over one-vs-rest linear SVMs because its scores are probabilities a bot can threshold ("not understood"
/// below 0.5) and it measured as accurate (docs/ARCHITECTURE.md). Deterministic: a fixed seed orders the examples.
/// </summary>
internal static class SoftmaxTrainer
{
    private const int Seed = 77;
    private const float L2 = 1e-5f;

    public static LinearWeights Train(IReadOnlyList<SparseExample> examples, int features, int classes, CancellationToken cancellationToken)
    {
        var width = Vector<float>.Count;
        var stride = (classes + width - 1) / width * width;
        var rows = new float[Math.Max(features, 1) * stride];
        var bias = new float[stride];
        var scores = new float[stride];
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(Seed);
        var epochs = Epochs(examples.Count);
        var step = 0L;
        var totalSteps = (long)epochs * examples.Count;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (var index in order)
            {
                // Linear decay to a tenth of the first rate: big steps first, then settle.
                var rate = 0.5f * (1f - (0.9f * step++ / totalSteps));
                Update(examples[index], rows, bias, scores, classes, stride, rate);
            }
        }

        return new LinearWeights(rows, bias, stride);
    }

    // Few examples need more passes to converge; many need fewer.
    private static int Epochs(int count) => Math.Clamp(200_000 / Math.Max(count, 1), 10, 60);

    private static void Update(SparseExample example, float[] rows, float[] bias, float[] scores, int classes, int stride, float rate)
    {
        bias.CopyTo(scores, 0);
        for (var j = 0; j < example.Columns.Length; j++)
        {
            AddScaled(scores, rows.AsSpan(example.Columns[j] * stride, stride), example.Values[j]);
        }

        Softmax(scores.AsSpan(0, classes));
        scores[example.Label] -= 1f;
        for (var k = classes; k < stride; k++)
        {
            scores[k] = 0f;
        }

        // The gradient is now in `scores`; rows not touched by this text keep their weights (lazy regularisation).
        for (var j = 0; j < example.Columns.Length; j++)
        {
            var row = rows.AsSpan(example.Columns[j] * stride, stride);
            Shrink(row, 1f - (rate * L2));
            AddScaled(row, scores, -rate * example.Values[j]);
        }

        AddScaled(bias, scores, -rate);
    }

    /// <summary>target += source × scale, a SIMD width at a time (both are a multiple of it long).</summary>
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        var width = Vector<float>.Count;
        var factor = new Vector<float>(scale);
        for (var i = 0; i < target.Length; i += width)
        {
            var sum = new Vector<float>(target[i..]) + (new Vector<float>(source[i..]) * factor);
            sum.CopyTo(target[i..]);
        }
    }

    private static void Shrink(Span<float> row, float factor)
    {
        var width = Vector<float>.Count;
        var scale = new Vector<float>(factor);
        for (var i = 0; i < row.Length; i += width)
        {
            (new Vector<float>(row[i..]) * scale).CopyTo(row[i..]);
        }
    }

    /// <summary>Turns scores into probabilities in place; the largest score is subtracted first so exp never overflows.</summary>
    public static void Softmax(Span<float> scores)
    {
        var max = float.NegativeInfinity;
        foreach (var s in scores)
        {
            max = Math.Max(max, s);
        }

        var sum = 0f;
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = MathF.Exp(scores[k] - max);
            sum += scores[k];
        }

        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] /= sum;
        }
    }
}
