namespace Parley.Analytics;

/// <summary>
/// A fact analytics will aggregate (conversation opened, handed to a human, first reply, resolved...).
/// Stored in the same transaction as the change it describes, so no KPI misses one.
/// </summary>
public sealed class ReportingEvent
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ConversationId { get; set; }
    public required string Name { get; set; }

    /// <summary>A duration in seconds where the event measures one (for example the wait for a first reply).</summary>
    public double? Value { get; set; }

    public long? AdvisorId { get; set; }

    /// <summary>Which step, which outcome, why (a bot's funnel events and handoff reasons).</summary>
    public string? Detail { get; set; }
    public DateTime OccurredAt { get; set; }

    /// <summary>The conversation was public (a thread under a post): analytics split volumes and response times on it.</summary>
    public bool IsPublic { get; set; }
}
