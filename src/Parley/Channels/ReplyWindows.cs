using System.Globalization;
using Parley.Channels.Meta;

namespace Parley.Channels;

public enum WindowState
{
    /// <summary>The channel has no messaging window (the website, X): replies go at any time.</summary>
    None,

    /// <summary>Inside the platform's standard window: any reply goes.</summary>
    Open,

    /// <summary>Messenger and Instagram after 24 hours: an advisor's reply goes with the HUMAN_AGENT tag, the bot's does not.</summary>
    HumanAgentOnly,

    /// <summary>WhatsApp after 24 hours: only an approved template goes.</summary>
    TemplateOnly,

    /// <summary>Nothing goes until the customer writes again.</summary>
    Closed,
}

/// <summary>Where a conversation stands in its platform's messaging window, and how to say it to the advisor.</summary>
public sealed record ReplyWindow(WindowState State, DateTime? ClosesAt, string? Explanation)
{
    /// <summary>An advisor's free-text reply can go now.</summary>
    public bool FreeTextAllowed => State is WindowState.None or WindowState.Open or WindowState.HumanAgentOnly;
}

/// <summary>
/// The platforms' messaging windows, counted from the customer's last message: the console shows them and refuses what
/// would not go; the connectors apply the same rules when they send (<see cref="MetaSendRules"/>, WhatsApp's connector).
/// </summary>
public static class ReplyWindows
{
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    public static ReplyWindow For(ChannelKind channel, DateTime? lastCustomerMessageAt, DateTime now)
    {
        if (channel is not (ChannelKind.Messenger or ChannelKind.Instagram or ChannelKind.WhatsApp))
        {
            return new ReplyWindow(WindowState.None, null, null);
        }

        if (lastCustomerMessageAt is not { } last)
        {
            return new ReplyWindow(WindowState.Closed, null, $"The customer has not written on {channel} yet: {channel} allows no message until they do.");
        }

        var standard = channel == ChannelKind.WhatsApp ? WhatsAppWindow : MetaSendRules.StandardWindow;
        if (now - last <= standard)
        {
            return new ReplyWindow(WindowState.Open, last + standard, $"{Left(last + standard - now)} left in {channel}'s 24-hour window.");
        }

        if (channel == ChannelKind.WhatsApp)
        {
            return new ReplyWindow(WindowState.TemplateOnly, null,
                $"The customer last wrote {Ago(now - last)} ago: outside WhatsApp's 24-hour window only an approved template can be sent.");
        }

        var humanUntil = last + MetaSendRules.HumanAgentWindow;
        return now <= humanUntil
            ? new ReplyWindow(WindowState.HumanAgentOnly, humanUntil,
                $"Outside the 24-hour window: your reply goes with Meta's human agent tag, allowed for {Left(humanUntil - now)} more. The bot no longer writes.")
            : new ReplyWindow(WindowState.Closed, null, $"The customer last wrote {Ago(now - last)} ago: after 7 days Meta allows no reply until they write again.");
    }

    private static string Left(TimeSpan span) => span.TotalHours >= 24
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} min");

    private static string Ago(TimeSpan span) => span.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} days")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} hours");
}
