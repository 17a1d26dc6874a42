using Parley.Conversations;

namespace Parley.Console.Help;

/// <summary>Where a help request stands: waiting for a supervisor, answered (still open), or closed with a trace.</summary>
public enum HelpStatus
{
    Open,
    Answered,
    Closed,
}

/// <summary>An advisor's request for a supervisor's help on one conversation, with a note saying what they need.</summary>
public sealed class HelpRequest
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long AccountId { get; set; }
    public long RequesterId { get; set; }
    public required string Note { get; set; }
    public HelpStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public long? AnsweredById { get; set; }
    public DateTime? AnsweredAt { get; set; }
    public long? JoinedById { get; set; }
    public DateTime? JoinedAt { get; set; }
    public long? ClosedById { get; set; }
    public DateTime? ClosedAt { get; set; }

    /// <summary>Closed because a supervisor took the conversation over.</summary>
    public bool TakenOver { get; set; }
}

/// <summary>
/// A help request was asked, answered, joined or closed. About no conversation for the hub (id 0): it reaches the
/// account's consoles only, never a widget following the conversation; <see cref="HelpConversationId"/> says which.
/// </summary>
public sealed record HelpRequestChanged(long AccountId, long HelpConversationId, long RequestId) : ConversationEvent(AccountId, 0);
