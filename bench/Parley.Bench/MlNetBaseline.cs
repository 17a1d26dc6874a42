using System.Diagnostics;
using Microsoft.ML;
using Parley.Bots.Understanding;

namespace Parley.Bench;

/// <summary>
/// The alternative Parley's classifier was chosen against: ML.NET's FeaturizeText (its default word and character
/// n-grams) and a multiclass trainer, predicted one text at a time through a PredictionEngine as a bot would. Accuracy
/// and macro F1 come from the same functions as Parley's.
/// </summary>
internal static class MlNetBaseline
{
    private sealed class Input
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class Output
    {
        public string PredictedLabel { get; set; } = "";
    }

    public static IntentEvaluationReport Run(string trainer, IReadOnlyList<IntentExample> train, IReadOnlyList<IntentExample> test)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(train.Select(e => new Input { Text = e.Text, Label = e.Intent }));
        var featurize = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"));
        var pipeline = trainer == "lbfgs"
            ? featurize.Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            : featurize.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(data);
        var trainTime = clock.Elapsed;

        var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var predicted = new List<string?>(test.Count);
        clock.Restart();
        foreach (var example in test)
        {
            predicted.Add(engine.Predict(new Input { Text = example.Text }).PredictedLabel);
        }

        var speed = test.Count / clock.Elapsed.TotalSeconds;
        var expected = test.Select(e => e.Intent).ToList();
        return new IntentEvaluationReport(train.Count, test.Count, train.Select(e => e.Intent).Distinct().Count(),
            IntentEvaluation.Accuracy(expected, predicted), IntentEvaluation.MacroF1(expected, predicted), trainTime, speed);
    }
}
