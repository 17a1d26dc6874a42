using System.Globalization;
using Parley.Channels;
using Parley.Conversations;

namespace Parley.Console;

/// <summary>How the console words statuses, channels and times.</summary>
public static class ConsoleFormat
{
    public static string Status(ConversationStatus status) => status switch
    {
        ConversationStatus.WithBot => "With bot",
        ConversationStatus.Queued => "Queued",
        ConversationStatus.Assigned => "Assigned",
        ConversationStatus.WaitingForCustomer => "Waiting for customer",
        ConversationStatus.Resolved => "Resolved",
        _ => status.ToString(),
    };

    public static string Channel(ChannelKind channel) => channel switch
    {
        ChannelKind.WebMessaging => "Web",
        ChannelKind.WhatsApp => "WhatsApp",
        _ => channel.ToString(),
    };

    /// <summary>"now", "5 min", "3 h", then the date: short enough for a list row.</summary>
    public static string Ago(DateTime utc, DateTime now)
    {
        var age = now - utc;
        return age.TotalMinutes switch
        {
            < 1 => "now",
            < 60 => $"{(int)age.TotalMinutes} min",
            < 24 * 60 => $"{(int)age.TotalHours} h",
            _ => utc.ToString("d MMM", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A message time in the advisor's browser time zone (UTC until the browser told it).</summary>
    public static string Clock(DateTime utc, TimeZoneInfo zone, DateTime now)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var today = TimeZoneInfo.ConvertTimeFromUtc(now, zone).Date;
        return local.ToString(local.Date == today ? "HH:mm" : "d MMM HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>A CSS class part for an enum value: its camelCase name, as the stylesheet and the JSON spell it (msg-customer).</summary>
    public static string CssName<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string FileSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
