using Parley.Conversations;

namespace Parley.Channels.Delivery;

public enum DeliveryState
{
    /// <summary>Waiting to be sent (or sent again, after <see cref="Delivery.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>The platform accepted it.</summary>
    Sent,

    /// <summary>Given up: a permanent error, or too many attempts.</summary>
    Failed,
}

/// <summary>
/// The sending of one outbound message to a push channel. A worker leases it (<see cref="LeaseUntil"/>) before sending,
/// so no two nodes send it at once; a crashed worker's lease runs out and another node takes it over.
/// </summary>
public sealed class Delivery
{
    public long Id { get; set; }
    public long MessageId { get; set; }
    public Message? Message { get; set; }
    public long ConversationId { get; set; }
    public long InboxId { get; set; }
    public DeliveryState Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public string? LeasedBy { get; set; }

    /// <summary>The platform's id for the sent message (mid, wamid, DM event id): receipts find the message by it.</summary>
    public string? ProviderMessageId { get; set; }

    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
