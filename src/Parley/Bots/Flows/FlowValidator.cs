using System.Text.RegularExpressions;
using Parley.Bots.Templates;
using Parley.Channels;

namespace Parley.Bots.Flows;

public enum ProblemSeverity
{
    /// <summary>The flow cannot be published.</summary>
    Error,

    /// <summary>It can, but something will not look as written on some channel.</summary>
    Warning,
}

public sealed record FlowProblem(ProblemSeverity Severity, string? StepId, string Message)
{
    public override string ToString() =>
        $"{(Severity == ProblemSeverity.Error ? "error" : "warning")}{(StepId is null ? string.Empty : $" [{StepId}]")}: {Message}";
}

/// <summary>
/// Checks a flow before it is published: every step reachable and every reference to a step existing, each step with what
/// its kind needs, templates that parse and name only known variables, intents and rules that make sense, and what each
/// channel the flow serves will do with its messages.
/// </summary>
public sealed partial class FlowValidator(FlowTemplates templates)
{
    public static readonly string[] Languages = ["en", "fr", "it"];

    /// <summary>Roots templates may always name (beyond <c>vars.*</c>, the flow's own variables).</summary>
    private static readonly string[] ContextVariables =
    [
        "contact", "contact.name", "contact.first_name", "contact.last_name", "contact.email", "contact.phone", "contact.attributes",
        "conversation", "conversation.id", "conversation.channel", "conversation.inbox",
        "business_hours", "business_hours.open",
        "message", "message.text", "message.intent", "message.intent_confidence", "message.language", "message.sentiment",
    ];

    /// <param name="channels">The channels the flow serves (all of them when unknown, as for a file).</param>
    /// <param name="queues">The account's queues by name, when known; null skips that check.</param>
    /// <param name="flows">The account's other flows by name, when known; null skips that check.</param>
    public IReadOnlyList<FlowProblem> Validate(
        FlowDocument flow, IReadOnlyCollection<ChannelKind>? channels = null, IReadOnlySet<string>? queues = null, IReadOnlySet<string>? flows = null)
    {
        var problems = new List<FlowProblem>();
        void Error(string? step, string message) => problems.Add(new FlowProblem(ProblemSeverity.Error, step, message));

        if (string.IsNullOrWhiteSpace(flow.Name))
        {
            Error(null, "The flow has no name.");
        }

        if (flow.Steps.Count == 0)
        {
            Error(null, "The flow has no steps.");
            return problems;
        }

        foreach (var duplicate in flow.Steps.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Error(duplicate.Key, $"Two steps are called '{duplicate.Key}'.");
        }

        foreach (var step in flow.Steps.Where(s => !StepId().IsMatch(s.Id)))
        {
            Error(step.Id, $"'{step.Id}' is not a step id: use letters, digits, '_' and '-' (up to 64).");
        }

        if (flow.Step(flow.Start) is null)
        {
            Error(null, flow.Start.Length == 0 ? "The flow has no start step." : $"The start step '{flow.Start}' does not exist.");
        }

        if (flow.IntentThreshold is < 0 or > 1)
        {
            Error(null, "The intent threshold is a confidence between 0 and 1.");
        }

        var known = Known(flow);
        foreach (var step in flow.Steps)
        {
            CheckStep(flow, step, known, queues, flows, problems);
        }

        CheckGraph(flow, problems);
        CheckIntents(flow, problems);
        CheckRules(flow, queues, problems);
        CheckChannels(flow, channels ?? Enum.GetValues<ChannelKind>(), problems);
        return problems;
    }

    private static HashSet<string> Known(FlowDocument flow)
    {
        var known = new HashSet<string>(ContextVariables, StringComparer.Ordinal);
        foreach (var variable in flow.Variables)
        {
            known.Add("vars." + variable);
        }

        return known;
    }

    private void CheckTemplate(string? template, string what, string? step, IReadOnlySet<string> known, List<FlowProblem> problems)
    {
        if (string.IsNullOrEmpty(template))
        {
            return;
        }

        foreach (var error in templates.Check(template, known).Errors)
        {
            problems.Add(new FlowProblem(ProblemSeverity.Error, step, $"{what}: {error}"));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex StepId();
}
