using Parley.Conversations;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Console.Supervision;

/// <summary>What a supervisor sees of one account (and optionally one of its teams) at <see cref="At"/>.</summary>
public sealed record SupervisionBoard(
    long AccountId, long? TeamId, DateTime At, IReadOnlyList<WaitAlert> Alerts, IReadOnlyList<QueueFigures> Queues, IReadOnlyList<AdvisorFigures> Advisors);

/// <param name="Waiting">Conversations queued now.</param>
/// <param name="LongestWaitSeconds">The oldest of them's wait so far; null when none waits.</param>
/// <param name="Answered">Conversations of the queue first answered by a person in the last hour.</param>
/// <param name="AnsweredInTarget">Of those, answered within the queue's target.</param>
/// <param name="WaitingPastTarget">Conversations still waiting, already longer than the target (they count as missed).</param>
/// <param name="ServiceLevel">AnsweredInTarget / (Answered + WaitingPastTarget), 0 to 1; null when there is nothing to count.</param>
public sealed record QueueFigures(
    long QueueId, string Name, int Waiting, int? LongestWaitSeconds, int Answered, int AnsweredInTarget, int WaitingPastTarget,
    double? ServiceLevel, QueueTargetsDto Targets)
{
    public bool Alert => LongestWaitSeconds > Targets.AlertAfterSeconds;
}

public sealed record WaitAlert(long QueueId, string QueueName, int LongestWaitSeconds, int AlertAfterSeconds);

/// <param name="Load">Load units in use per kind, across every account (capacity is the advisor's, not an account's).</param>
/// <param name="Open">Conversations of this account assigned to the advisor and not resolved.</param>
public sealed record AdvisorFigures(
    long AdvisorId, string Name, AdvisorRole Role, Presence Presence, int SecondsInPresence, KindLoads Load, int Capacity, int PublicCapacity, int Open);

/// <summary>A conversation waiting in a queue or assigned from it, as the supervisor's reassign list shows it.</summary>
public sealed record QueueConversation(
    long Id, string? ContactName, ConversationStatus Status, long? AssigneeId, string? AssigneeName, int? WaitingSeconds, int Priority);

public sealed record ScopeOption(long Id, string Name);

/// <summary>The accounts a supervisor may watch, each with its teams (the page's selectors).</summary>
public sealed record SupervisedAccount(long Id, string Name, IReadOnlyList<ScopeOption> Teams);

public enum SupervisionRefusal
{
    None,
    NotFound,
    Forbidden,
    Invalid,
}

/// <summary>A supervision answer: the value, or why there is none.</summary>
public sealed record Supervised<T>(T? Value, SupervisionRefusal Refusal = SupervisionRefusal.None, string? Detail = null);

public static class Supervised
{
    public static Supervised<T> Refused<T>(SupervisionRefusal refusal, string detail) => new(default, refusal, detail);
}
