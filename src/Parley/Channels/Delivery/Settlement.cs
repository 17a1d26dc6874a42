namespace Parley.Channels.Delivery;

public enum SettlementKind
{
    Sent,
    Failed,

    /// <summary>Pending again, from <see cref="Settlement.NextAttemptAt"/>.</summary>
    Retry,

    /// <summary>Not tried: the lease is given back (the conversation's earlier message must go first).</summary>
    Release,
}

/// <summary>What became of a leased delivery, to be recorded (<see cref="DeliverySettler"/>).</summary>
public sealed record Settlement(
    long DeliveryId,
    long MessageId,
    long AccountId,
    long ConversationId,
    SettlementKind Kind,
    string? ProviderMessageId = null,
    string? Error = null,
    DateTime? NextAttemptAt = null);
