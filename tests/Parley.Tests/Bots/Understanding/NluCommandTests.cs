using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Bots.Understanding;
using Parley.Hosting;

namespace Parley.Tests.Bots.Understanding;

public sealed partial class NluCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("parley-nlu-tests-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Evaluate_prints_accuracy_f1_training_time_and_speed()
    {
        var train = Write("train.jsonl", IntentModelTests.Examples);
        var test = Write("test.jsonl", [new("où est mon colis ?", "track_parcel"), new("orari di apertura", "opening_hours"), new("un humain", "talk_to_human"), new("je veux porter plainte", "complaint")]);

        var (code, output, error) = await RunAsync("nlu", "evaluate", "--train", train, "--test", test);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("accuracy 1.0000", output.Split(Environment.NewLine));
        Assert.Matches(@"(?m)^macro-f1 1\.0000$", output);
        Assert.Matches(@"(?m)^train-seconds \d+\.\d\d$", output);
        Assert.Matches(@"(?m)^classifications-per-second \d+ \(one thread\)$", output);
    }

    [Fact]
    public async Task Accuracy_counts_wrong_answers()
    {
        var train = Write("train.jsonl", IntentModelTests.Examples);
        var test = Write("test.jsonl", [new("où est mon colis ?", "track_parcel"), new("où est mon colis ?", "complaint")]);

        var (_, output, _) = await RunAsync("nlu", "evaluate", "--train", train, "--test", test);

        Assert.Equal("0.5000", AccuracyLine().Match(output).Groups[1].Value);
    }

    [Fact]
    public async Task A_bad_json_line_names_the_file_and_line()
    {
        var train = Write("train.jsonl", IntentModelTests.Examples);
        var test = Path.Combine(_folder.FullName, "test.jsonl");
        await File.WriteAllLinesAsync(test, ["{\"text\": \"ok\", \"intent\": \"a\"}", "", "{\"text\": \"broken"]);

        var (code, output, error) = await RunAsync("nlu", "evaluate", "--train", train, "--test", test);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith($"{test}:3: ", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task A_line_without_an_intent_names_the_file_and_line()
    {
        var train = Path.Combine(_folder.FullName, "train.jsonl");
        await File.WriteAllLinesAsync(train, ["{\"text\": \"hello\"}"]);

        var (code, _, error) = await RunAsync("nlu", "evaluate", "--train", train, "--test", train);

        Assert.Equal(2, code);
        Assert.StartsWith($"{train}:1: ", error);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var missing = Path.Combine(_folder.FullName, "nope.jsonl");

        var (code, _, error) = await RunAsync("nlu", "evaluate", "--train", missing, "--test", missing);

        Assert.Equal(2, code);
        Assert.Contains(missing, error);
    }

    [Theory]
    [InlineData("nlu", "evaluate", "--train", "a.jsonl")]
    [InlineData("nlu", "evaluate", "--test", "a.jsonl", "--train")]
    [InlineData("nlu", "evaluate", "--train", "a", "--test", "b", "--shots", "3")]
    [InlineData("nlu", "classify")]
    public async Task Bad_arguments_exit_2_with_the_usage(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(NluCommand.Usage, error);
    }

    [Fact]
    public async Task Help_prints_the_usage()
    {
        var (code, output, _) = await RunAsync("nlu", "--help");
        Assert.Equal(0, code);
        Assert.Contains("nlu evaluate --train TRAIN.jsonl --test TEST.jsonl", output);

        var (alone, _, usage) = await RunAsync("nlu");
        Assert.Equal(2, alone);
        Assert.Contains(NluCommand.Usage, usage);
    }

    private string Write(string name, IEnumerable<IntentExample> examples)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllLines(path, examples.Select(e => JsonSerializer.Serialize(new { text = e.Text, intent = e.Intent })));
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ParleyCommands.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"(?m)^accuracy (\d\.\d{4})$")]
    private static partial Regex AccuracyLine();
}
