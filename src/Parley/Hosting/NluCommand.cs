using System.Globalization;
using Parley.Bots.Understanding;

namespace Parley.Hosting;

/// <summary>
/// <c>nlu evaluate --train TRAIN.jsonl --test TEST.jsonl</c>: trains the bot's intent classifier on one file, classifies the
/// other and prints accuracy, macro F1, training time and speed. No database, no server. It lives beside
/// <see cref="ParleyCommands"/> because it only reads arguments; the work is in <see cref="IntentEvaluation"/>.
/// </summary>
public static class NluCommand
{
    public const string Usage =
        "usage: nlu evaluate --train TRAIN.jsonl --test TEST.jsonl\n"
        + "  Trains the intent classifier on TRAIN, classifies TEST and prints accuracy, macro F1, training time\n"
        + "  and single-threaded classifications per second. Each line of both files: {\"text\": \"...\", \"intent\": \"...\"}";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is ["--help"] or ["-h"] or ["help"] or ["evaluate", "--help"])
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (args.Length == 0)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (args[0] != "evaluate")
        {
            await error.WriteLineAsync($"Unknown nlu command '{args[0]}'.\n{Usage}");
            return 2;
        }

        if (!TryParse(args[1..], out var trainPath, out var testPath, out var problem))
        {
            await error.WriteLineAsync($"{problem}\n{Usage}");
            return 2;
        }

        List<IntentExample> train;
        List<IntentExample> test;
        try
        {
            train = await IntentExampleFile.ReadAsync(ParleyCommands.ResolvePath(trainPath), cancellationToken);
            test = await IntentExampleFile.ReadAsync(ParleyCommands.ResolvePath(testPath), cancellationToken);
        }
        catch (Exception e) when (e is IntentExampleFileException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        if (train.Count == 0)
        {
            await error.WriteLineAsync($"{trainPath}: no examples to train on.");
            return 2;
        }

        var report = IntentEvaluation.Run(train, test, cancellationToken);
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"trained on {report.TrainCount} examples of {report.IntentCount} intents, tested on {report.TestCount}"));
        await output.WriteLineAsync(string.Create(c, $"accuracy {report.Accuracy:F4}"));
        await output.WriteLineAsync(string.Create(c, $"macro-f1 {report.MacroF1:F4}"));
        await output.WriteLineAsync(string.Create(c, $"train-seconds {report.TrainTime.TotalSeconds:F2}"));
        await output.WriteLineAsync(string.Create(c, $"classifications-per-second {report.ClassificationsPerSecond:F0} (one thread)"));
        return 0;
    }

    private static bool TryParse(string[] args, out string train, out string test, out string problem)
    {
        train = test = problem = "";
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"{args[i]} needs a value.";
                return false;
            }

            switch (args[i])
            {
                case "--train":
                    train = args[i + 1];
                    break;
                case "--test":
                    test = args[i + 1];
                    break;
                default:
                    problem = $"Unknown option '{args[i]}'.";
                    return false;
            }
        }

        problem = train.Length == 0 ? "--train is required." : test.Length == 0 ? "--test is required." : "";
        return problem.Length == 0;
    }
}
