using Parley.Bots.Templates;

namespace Parley.Bots.Flows;

/// <summary>
/// <c>flows validate FILE</c>: reads a flow kept as YAML and prints its problems, as publishing would (without the
/// account's queues and flows, which only the server knows). Exit code 0 when it can be published, 1 when it has errors,
/// 2 when the file cannot be read.
/// </summary>
public static class FlowsCommand
{
    private const string Usage = "Usage: flows validate FILE    checks a flow written in YAML (exit code 0: valid, 1: errors, 2: unreadable)";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not ["validate", var path])
        {
            await (args is [] or ["--help"] or ["-h"] ? output : error).WriteLineAsync(Usage);
            return args is [] or ["--help"] or ["-h"] ? 0 : 2;
        }

        FlowDocument flow;
        try
        {
            flow = FlowYaml.Read(await File.ReadAllTextAsync(Hosting.ParleyCommands.ResolvePath(path), cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FlowYamlException)
        {
            await error.WriteLineAsync($"{path}: {e.Message}");
            return 2;
        }

        var problems = new FlowValidator(new FlowTemplates(TimeProvider.System)).Validate(flow);
        var errors = problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = problems.Count - errors;
        await output.WriteLineAsync(errors == 0
            ? $"{path}: valid ({flow.Steps.Count} steps, {flow.Intents.Count} intents{(warnings > 0 ? $", {warnings} warnings" : string.Empty)})"
            : $"{path}: {errors} errors, {warnings} warnings");
        foreach (var problem in problems.OrderBy(p => p.Severity))
        {
            await output.WriteLineAsync("  " + problem);
        }

        return errors == 0 ? 0 : 1;
    }
}
