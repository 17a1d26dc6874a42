namespace Parley.Channels;

/// <summary>
/// A social network endpoint of an account: a Facebook page (Messenger), an Instagram professional account, a WhatsApp
/// Business phone number or an X account. Its conversations live in its inbox. The secrets are stored protected
/// (<see cref="ConnectionSecrets"/>) and never shown again after saving.
/// </summary>
public sealed class Connection
{
    public long Id { get; set; }
    public long InboxId { get; set; }
    public ChannelKind Kind { get; set; }

    /// <summary>Page id, Instagram account id, WhatsApp phone number id or X user id.</summary>
    public required string ExternalId { get; set; }

    /// <summary>Protected: the page access token, system user token or X user access token.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Protected: the Meta app secret or X consumer secret, which signs webhooks and answers X's CRC.</summary>
    public string? AppSecret { get; set; }

    /// <summary>Protected: the token Meta's webhook verification must present (shown to admins, to paste into Meta).</summary>
    public string? VerifyToken { get; set; }

    public bool Enabled { get; set; }

    /// <summary>True when declared in configuration (Channels:Connections): configuration is its truth at each start.</summary>
    public bool Declared { get; set; }

    /// <summary>Calls per second to the platform's send API; null: the channel's documented default.</summary>
    public double? RatePerSecond { get; set; }

    /// <summary>Channel-specific settings as JSON (<see cref="ConnectionSettings"/>): WhatsApp templates...</summary>
    public required string SettingsJson { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
