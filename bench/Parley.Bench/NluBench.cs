using System.Diagnostics;
using System.Globalization;
using Parley.Bots.Understanding;

namespace Parley.Bench;

/// <summary>
/// <c>Parley.Bench --nlu [--data DIR] [--node-script bench/nlu/evaluate.js]</c>: Parley's intent classifier, ML.NET's
/// (the measured alternative, see <see cref="MlNetBaseline"/>) and NLP.js (node-nlp, run by node on the same JSONL files)
/// on Banking77, full and 10-shot, in one table. All are timed on one thread. Needs <c>npm install</c> in bench/nlu first.
/// </summary>
internal static class NluBench
{
    private sealed record Row(string Set, string Engine, double Accuracy, double MacroF1, double TrainSeconds, double PerSecond);

    public static async Task<int> RunAsync(string[] args)
    {
        var data = Option(args, "--data") ?? FindUp(Path.Combine("shared", "data", "banking77"));
        var script = Option(args, "--node-script") ?? FindUp(Path.Combine("bench", "nlu", "evaluate.js"));
        if (data is null || script is null || !Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")))
        {
            await System.Console.Error.WriteLineAsync("usage: Parley.Bench --nlu [--data DIR] [--node-script bench/nlu/evaluate.js]; "
                + "Banking77's folder or the node script was not found, or 'npm install' was not run in bench/nlu.");
            return 2;
        }

        var train = Banking77.Read(Path.Combine(data, "train.csv"));
        var test = Banking77.Read(Path.Combine(data, "test.csv"));
        var sets = new (string Name, List<IntentExample> Train)[]
        {
            ($"full ({train.Count})", train),
            ($"{Banking77.Shots}-shot ({Banking77.Shots} x 77)", Banking77.FirstPerIntent(train, Banking77.Shots)),
        };

        var folder = Directory.CreateTempSubdirectory("parley-nlu-");
        try
        {
            var testFile = Path.Combine(folder.FullName, "test.jsonl");
            Banking77.WriteJsonLines(testFile, test);
            var rows = new List<Row>();
            foreach (var (name, examples) in sets)
            {
                var trainFile = Path.Combine(folder.FullName, $"train-{rows.Count}.jsonl");
                Banking77.WriteJsonLines(trainFile, examples);
                BenchLog.Write($"{name}: Parley");
                var report = IntentEvaluation.Run(examples, test);
                rows.Add(new Row(name, "Parley", report.Accuracy, report.MacroF1, report.TrainTime.TotalSeconds, report.ClassificationsPerSecond));
                foreach (var trainer in new[] { "sdca", "lbfgs" })
                {
                    BenchLog.Write($"{name}: ML.NET {trainer}");
                    var baseline = MlNetBaseline.Run(trainer, examples, test);
                    rows.Add(new Row(name, $"ML.NET FeaturizeText + {trainer} maxent", baseline.Accuracy, baseline.MacroF1, baseline.TrainTime.TotalSeconds, baseline.ClassificationsPerSecond));
                }

                BenchLog.Write($"{name}: NLP.js");
                rows.Add(await RunNodeAsync(name, script, trainFile, testFile));
            }

            Print(rows, train.Count, test.Count);
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<Row> RunNodeAsync(string set, string script, string trainFile, string testFile)
    {
        var start = new ProcessStartInfo("node", [script, trainFile, testFile]) { RedirectStandardOutput = true };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {node.ExitCode}.");
        }

        var figures = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .Where(p => p.Length >= 2 && double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        return new Row(set, "NLP.js", figures["accuracy"], figures["macro-f1"], figures["train-seconds"], figures["classifications-per-second"]);
    }

    private static void Print(List<Row> rows, int trainCount, int testCount)
    {
        var c = CultureInfo.InvariantCulture;
        System.Console.WriteLine(string.Create(c, $"Banking77, test set of {testCount} (train {trainCount}); {Environment.ProcessorCount} cores; speed on one thread"));
        System.Console.WriteLine();
        System.Console.WriteLine("| Training set | Engine | Accuracy | Macro F1 | Training (s) | Classifications/s |");
        System.Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            System.Console.WriteLine(string.Create(c, $"| {r.Set} | {r.Engine} | {r.Accuracy:F4} | {r.MacroF1:F4} | {r.TrainSeconds:F2} | {r.PerSecond:N0} |"));
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    // From the working directory up: the repository's bench/ and the shared data beside the repository.
    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
