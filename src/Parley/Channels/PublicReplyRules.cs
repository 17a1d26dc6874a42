using System.Globalization;
namespace Parley.Channels;

/// <summary>
/// The networks' rules for the brand's public replies: how long a reply may be, and how long after a comment the brand
/// may still answer it in private (Meta's private replies: once per comment, within 7 days).
/// </summary>
public static class PublicReplyRules
{
    /// <summary>Meta takes a private reply to a comment within 7 days of it.</summary>
    public static readonly TimeSpan PrivateReplyWindow = TimeSpan.FromDays(7);

    /// <summary>The longest public reply, in characters as the customer sees them (X counts 280).</summary>
    public static int MaxText(ChannelKind channel) => channel switch
    {
        ChannelKind.X => 280,
        ChannelKind.Instagram => 2200,
        _ => 8000,
    };

    /// <summary>Why this signed text cannot go as a public reply on the channel, or null.</summary>
    public static string? TextRefusal(ChannelKind channel, string sentText)
    {
        var length = new StringInfo(sentText).LengthInTextElements;
        var max = MaxText(channel);
        return length <= max ? null
            : $"A public reply on {ChannelName(channel)} has at most {max} characters with the signature; this one has {length}.";
    }

    /// <summary>Why a comment can no longer be answered in private, or null when it can.</summary>
    public static string? PrivateReplyRefusal(ChannelKind channel, DateTime? alreadyAt, DateTime commentAt, DateTime now)
    {
        if (alreadyAt is not null)
        {
            return channel == ChannelKind.X
                ? "The customer was already invited to a direct message from this tweet."
                : $"This comment was already answered in private: {ChannelName(channel)} allows one private reply per comment.";
        }

        return channel != ChannelKind.X && now - commentAt > PrivateReplyWindow
            ? $"{ChannelName(channel)} allows a private reply within 7 days of the comment; this one is from {commentAt:yyyy-MM-dd HH:mm} UTC."
            : null;
    }

    public static string ChannelName(ChannelKind channel) => channel switch
    {
        ChannelKind.Messenger => "Facebook",
        ChannelKind.Instagram => "Instagram",
        ChannelKind.X => "X",
        _ => channel.ToString(),
    };
}
