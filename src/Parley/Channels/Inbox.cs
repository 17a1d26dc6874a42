namespace Parley.Channels;

/// <summary>One channel endpoint of an account: a website widget, a Facebook page, a WhatsApp number...</summary>
public sealed class Inbox
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public ChannelKind Channel { get; set; }

    /// <summary>The identifier a website puts in the widget's data-inbox attribute; public.</summary>
    public required string PublicKey { get; set; }

    /// <summary>Secret shared with the website to sign its signed-in user ids (HMAC-SHA256).</summary>
    public required string IdentitySecret { get; set; }

    /// <summary>Bot topics, business hours and texts, as JSON (see <see cref="InboxSettings"/>).</summary>
    public required string SettingsJson { get; set; }

    public DateTime CreatedAt { get; set; }
}
