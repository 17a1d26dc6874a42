using Parley.Channels;

namespace Parley.Conversations;

public enum ConversationStatus
{
    WithBot,
    Queued,
    Assigned,
    WaitingForCustomer,
    Resolved,
}

public sealed class Conversation
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long InboxId { get; set; }
    public long ContactId { get; set; }
    public ChannelKind Channel { get; set; }
    /// <summary>A thread under a social post (comments, mentions), as opposed to the customer's private messages.</summary>
    public bool IsPublic { get; set; }

    /// <summary>The post a public conversation's thread hangs on (<see cref="SocialPost"/>); null for a private one.</summary>
    public long? PostId { get; set; }

    /// <summary>
    /// A public conversation moved to private and the private conversation that followed point at each other (the latest
    /// move wins); null when there was none.
    /// </summary>
    public long? LinkedConversationId { get; set; }
    public ConversationStatus Status { get; set; }
    public long? QueueId { get; set; }
    public long? AssigneeId { get; set; }

    /// <summary>0 is normal; higher is served first within a queue.</summary>
    public int Priority { get; set; }

    /// <summary>Where the bot is in its flow (for example "awaiting-topic"); null when the bot is done.</summary>
    public string? BotState { get; set; }

    /// <summary>The sequence number of the last message; messages are numbered 1, 2, 3... per conversation.</summary>
    public long LastSeq { get; set; }

    public long CustomerReadSeq { get; set; }
    public long AdvisorReadSeq { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? QueuedAt { get; set; }
    public DateTime? AssignedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? LastCustomerMessageAt { get; set; }

    /// <summary>When an advisor snoozed the conversation (see <see cref="Snooze"/>); null when never.</summary>
    public DateTime? SnoozedAt { get; set; }

    /// <summary>Until when it stays snoozed; null means until the customer writes.</summary>
    public DateTime? SnoozedUntil { get; set; }

    /// <summary>Where the conversation came from as the channel reported it (an ad, an m.me link's ref), as JSON.</summary>
    public string? EntryPoint { get; set; }

    /// <summary>Why the conversation went to its advisor or queue, as JSON (Routing/AssignmentReason), shown in the console.</summary>
    public string? AssignmentReason { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every update.</summary>
    public long Version { get; set; }

    public bool IsOpen => Status != ConversationStatus.Resolved;
}
