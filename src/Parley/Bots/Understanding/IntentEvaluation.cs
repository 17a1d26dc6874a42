using System.Diagnostics;

namespace Parley.Bots.Understanding;

/// <summary>How a model trained on one set did on another; speed is single-threaded classifications per second.</summary>
public sealed record IntentEvaluationReport(
    int TrainCount, int TestCount, int IntentCount, double Accuracy, double MacroF1, TimeSpan TrainTime, double ClassificationsPerSecond);

/// <summary>Trains on one set, classifies another, and measures accuracy, macro F1 and speed (used by <c>nlu evaluate</c> and the bench).</summary>
public static class IntentEvaluation
{
    // Speed is timed over repeated passes until this long, so a small test set still gives a stable figure.
    private static readonly TimeSpan MinTimed = TimeSpan.FromSeconds(1);

    public static IntentEvaluationReport Run(IReadOnlyList<IntentExample> train, IReadOnlyList<IntentExample> test, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var model = IntentModel.Train(train, cancellationToken);
        var trainTime = clock.Elapsed;

        var predicted = test.Select(e => model.Predict(e.Text).Intent).ToList();
        var passes = 0;
        clock.Restart();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var example in test)
            {
                model.Predict(example.Text);
            }

            passes++;
        }
        while (clock.Elapsed < MinTimed && test.Count > 0);

        var speed = test.Count == 0 ? 0 : passes * test.Count / clock.Elapsed.TotalSeconds;
        var expected = test.Select(e => e.Intent).ToList();
        return new IntentEvaluationReport(
            train.Count, test.Count, model.Intents.Count, Accuracy(expected, predicted), MacroF1(expected, predicted), trainTime, speed);
    }

    public static double Accuracy(IReadOnlyList<string> expected, IReadOnlyList<string?> predicted) =>
        expected.Count == 0 ? 0 : expected.Where((e, i) => e == predicted[i]).Count() / (double)expected.Count;

    /// <summary>The mean of each intent's F1, over the intents expected or predicted, so rare intents count as much as common ones.</summary>
    public static double MacroF1(IReadOnlyList<string> expected, IReadOnlyList<string?> predicted)
    {
        var labels = expected.Concat(predicted.OfType<string>()).Distinct(StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
        {
            return 0;
        }

        var total = 0.0;
        foreach (var label in labels)
        {
            var truePositives = 0;
            var falsePositives = 0;
            var falseNegatives = 0;
            for (var i = 0; i < expected.Count; i++)
            {
                var isExpected = expected[i] == label;
                var isPredicted = predicted[i] == label;
                truePositives += isExpected && isPredicted ? 1 : 0;
                falsePositives += !isExpected && isPredicted ? 1 : 0;
                falseNegatives += isExpected && !isPredicted ? 1 : 0;
            }

            var denominator = (2 * truePositives) + falsePositives + falseNegatives;
            total += denominator == 0 ? 0 : 2.0 * truePositives / denominator;
        }

        return total / labels.Count;
    }
}
