using Parley.Channels;
using Parley.Conversations;

namespace Parley.Console;

/// <summary>Which statuses the list shows: the open ones (every status but resolved; the default), all, or one.</summary>
public enum StatusFilter
{
    Open,
    All,
    WithBot,
    Queued,
    Assigned,
    WaitingForCustomer,
    Resolved,

    /// <summary>Open conversations an advisor snoozed (<see cref="Conversations.Snooze"/>); "open" hides them.</summary>
    Snoozed,
}

/// <summary>Whose conversations: anyone's, mine, a colleague's (anyone's but mine), one advisor's, nobody's.</summary>
public enum AssignmentFilter
{
    Anyone,
    Me,
    Colleague,
    Advisor,
    Unassigned,
}

public enum VisibilityFilter
{
    Any,
    Public,
    Private,
}

/// <summary>The customer's tone on a conversation (see <see cref="ConsoleList.CustomerSentiment"/>).</summary>
public enum Tone
{
    Negative,
    Neutral,
    Positive,
}

/// <summary>
/// What the list shows. Empty lists mean "any"; several values of one list mean any of them (channels, queues, accounts),
/// except tags: a conversation must carry every tag asked.
/// </summary>
public sealed record ConversationFilter
{
    public StatusFilter Status { get; init; } = StatusFilter.Open;
    public IReadOnlyList<long> Accounts { get; init; } = [];
    public IReadOnlyList<ChannelKind> Channels { get; init; } = [];
    public IReadOnlyList<long> Queues { get; init; } = [];
    public AssignmentFilter Assignment { get; init; } = AssignmentFilter.Anyone;

    /// <summary>The advisor of <see cref="AssignmentFilter.Advisor"/>.</summary>
    public long? AssigneeId { get; init; }

    /// <summary>Customers waiting for an answer for at least this many minutes (see <see cref="ConsoleList.WaitingSince"/>).</summary>
    public int? WaitingMinutes { get; init; }

    /// <summary>My conversations with messages I have not read.</summary>
    public bool UnreadOnly { get; init; }
    public VisibilityFilter Visibility { get; init; } = VisibilityFilter.Any;
    public Tone? Sentiment { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Words to find in the messages, or in the contact's name, email, phone or identities.</summary>
    public string? Search { get; init; }

    public static ConversationStatus? OneStatus(StatusFilter status) => status switch
    {
        StatusFilter.WithBot => ConversationStatus.WithBot,
        StatusFilter.Queued => ConversationStatus.Queued,
        StatusFilter.Assigned => ConversationStatus.Assigned,
        StatusFilter.WaitingForCustomer => ConversationStatus.WaitingForCustomer,
        StatusFilter.Resolved => ConversationStatus.Resolved,
        _ => null,
    };
}
