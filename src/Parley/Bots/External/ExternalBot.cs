namespace Parley.Bots.External;

/// <summary>An account's external bot: where Parley posts conversation events, and the secret it signs them with (stored protected).</summary>
public sealed class BotEndpoint
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Url { get; set; }
    public required string Secret { get; set; }
    public bool Enabled { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A token an external bot calls Parley's bot API with; only its SHA-256 is kept.</summary>
public sealed class ApiToken
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public long? CreatedBy { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>An event for the external bot, sent in order per conversation, retried with backoff until it is taken.</summary>
public sealed class BotEvent
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ConversationId { get; set; }
    public required string Kind { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public string? LeasedBy { get; set; }
    public string? LastError { get; set; }
    public DateTime? SentAt { get; set; }
    public DateTime? FailedAt { get; set; }
}

/// <summary>The kinds of events an external bot receives.</summary>
public static class BotEventKinds
{
    /// <summary>A conversation starts with the external bot (or a flow passes it on).</summary>
    public const string ConversationStarted = "conversation.started";

    /// <summary>The customer wrote while the conversation is with the external bot.</summary>
    public const string MessageCreated = "message.created";
}
