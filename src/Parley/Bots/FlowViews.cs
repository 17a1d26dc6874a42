using Parley.Bots.Flows;

namespace Parley.Bots;

/// <summary>A flow as the console lists it.</summary>
public sealed record FlowSummary(long Id, long AccountId, string Name, long? InboxId, bool IsDefault, int? PublishedVersion, DateTime DraftUpdatedAt, bool DraftChanged);

/// <summary>A flow with its draft (YAML) and the draft's problems.</summary>
public sealed record FlowDetail(FlowSummary Flow, string Draft, IReadOnlyList<FlowProblem> Problems);

/// <summary>A published version in the history: who published it, when, and why.</summary>
public sealed record FlowVersionView(long Id, int Number, DateTime PublishedAt, string? PublishedBy, string? Note, bool Current);

/// <summary>What a channel manager sends to create a flow (its draft from YAML, or a new one).</summary>
public sealed record FlowInput(long AccountId, string Name, long? InboxId = null, bool IsDefault = false, string? Yaml = null);

public sealed record DraftInput(string Yaml);

public sealed record PublishInput(string? Note = null);

public sealed record RollbackInput(int Version);

/// <summary>A line of a diff between two versions: "+", "-" or " ", and the line.</summary>
public sealed record DiffLine(string Change, string Text);

public sealed record FlowResult(Parley.Channels.ManagementOutcome Outcome, string? Problem = null, object? Value = null, IReadOnlyList<FlowProblem>? Problems = null)
{
    public static FlowResult Done(object? value = null) => new(Parley.Channels.ManagementOutcome.Done, Value: value);

    public static FlowResult Fail(Parley.Channels.ManagementOutcome outcome, string problem, IReadOnlyList<FlowProblem>? problems = null) => new(outcome, problem, Problems: problems);
}
