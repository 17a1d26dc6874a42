namespace Parley.Channels;

/// <summary>A connection as the code that calls the platform needs it, its secrets readable (never shown to anyone).</summary>
public sealed record ConnectionCredentials(
    long ConnectionId,
    long InboxId,
    long AccountId,
    ChannelKind Kind,
    string ExternalId,
    string? AccessToken,
    string? AppSecret,
    string? VerifyToken,
    bool Enabled,
    double? RatePerSecond,
    ConnectionSettings Settings);
