namespace Parley.Console.Notes;

/// <summary>
/// An advisor's internal note on a conversation. Stored apart from messages, so nothing that reads messages (the widget,
/// the channels, delivery) can reach it.
/// </summary>
public sealed class ConversationNote
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long AccountId { get; set; }
    public long AuthorId { get; set; }
    public required string Body { get; set; }

    /// <summary>The conversation's last message when the note was written: the note shows after it.</summary>
    public long AfterSeq { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>An advisor named in a note (<c>@Name</c>); unread until they open it, whenever they next sign in.</summary>
public sealed class NoteMention
{
    public long Id { get; set; }
    public long NoteId { get; set; }
    public long AdvisorId { get; set; }
    public long ConversationId { get; set; }
    public long AccountId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}
