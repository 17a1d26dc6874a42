using System.Globalization;

namespace Parley.Channels.WhatsApp;

/// <summary>
/// WhatsApp's customer service window: for 24 hours after the customer's last message the business may send anything;
/// after that only an approved template. Checked before any call, so a message that cannot go fails with a reason the
/// advisor understands instead of Meta's error 131047, and the bot never writes outside the window.
/// </summary>
public static class WhatsAppWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    /// <param name="lastCustomerMessageAt">UTC; null when the customer has not written yet.</param>
    public static bool IsOpen(DateTime? lastCustomerMessageAt, DateTime nowUtc) =>
        lastCustomerMessageAt is { } last && nowUtc - last < Length;

    /// <returns>Why a free-form message cannot go now, or null when it can.</returns>
    public static string? Refusal(DateTime? lastCustomerMessageAt, DateTime nowUtc)
    {
        if (IsOpen(lastCustomerMessageAt, nowUtc))
        {
            return null;
        }

        var when = lastCustomerMessageAt is { } last
            ? "the customer last wrote " + last.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC"
            : "the customer has not written on WhatsApp yet";
        return $"Outside WhatsApp's 24-hour window ({when}): send an approved template.";
    }
}
