namespace Parley.Channels;

/// <summary>
/// Where an account's conversations of one channel endpoint live: a website, a Facebook page, a WhatsApp number...
/// Channel-neutral: each channel keeps its own settings in a record of its own beside it (a website's
/// <see cref="WebMessaging.WebWidget"/>, a social network's <see cref="Connection"/>).
/// </summary>
public sealed class Inbox
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public ChannelKind Channel { get; set; }

    /// <summary>Bot topics, business hours and texts, as JSON (see <see cref="InboxSettings"/>).</summary>
    public required string SettingsJson { get; set; }

    public DateTime CreatedAt { get; set; }
}
