namespace Parley.Console.Supervision;

/// <summary>
/// A queue's goals as supervisors set them: its service level counts the conversations first answered by a person
/// within <see cref="AnswerWithinSeconds"/> of their wait's start, and its wait alert rings when the longest current
/// wait passes <see cref="AlertAfterSeconds"/>. A queue without a row has <see cref="QueueTargets"/>' defaults.
/// </summary>
public sealed class QueueTarget
{
    public long QueueId { get; set; }
    public int AnswerWithinSeconds { get; set; }
    public int AlertAfterSeconds { get; set; }
}

public sealed record QueueTargetsDto(int AnswerWithinSeconds, int AlertAfterSeconds);

public static class QueueTargets
{
    public const int DefaultAnswerWithinSeconds = 60;
    public const int DefaultAlertAfterSeconds = 300;

    /// <summary>A day: longer goals say nothing about a live floor.</summary>
    public const int MaxSeconds = 86_400;

    public static readonly QueueTargetsDto Default = new(DefaultAnswerWithinSeconds, DefaultAlertAfterSeconds);

    /// <summary>Null when the targets are acceptable, else why not.</summary>
    public static string? Problem(QueueTargetsDto targets) =>
        targets.AnswerWithinSeconds is < 1 or > MaxSeconds || targets.AlertAfterSeconds is < 1 or > MaxSeconds
            ? $"Targets are whole seconds from 1 to {MaxSeconds}."
            : null;
}
