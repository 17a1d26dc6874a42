using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Channels.WebMessaging;

/// <summary>Who a widget request speaks for: a contact on an inbox.</summary>
public sealed record WidgetCaller(long InboxId, long ContactId);

/// <summary>
/// Stateless widget session tokens: "inboxId.contactId" signed with HMAC-SHA256 under a key every node
/// shares (kept in the settings table), so checking one costs no database round trip.
/// </summary>
/// <remarks>
/// A browser's EventSource cannot send headers, so its stream is opened with a stream ticket in the query string
/// instead of the session token: "inboxId.contactId.events.expiry", signed the same way, good for
/// <see cref="StreamTicketLifetime"/> and for nothing but opening the stream. A URL that ends up in a log or a proxy
/// then holds a ticket that has expired, never the session token.
/// </remarks>
public sealed class WidgetTokens(byte[] key)
{
    public const string SettingKey = "widget_token_key";

    public static readonly TimeSpan StreamTicketLifetime = TimeSpan.FromSeconds(60);

    private const string StreamPurpose = "events";

    public string Issue(WidgetCaller caller) =>
        Sign(string.Create(CultureInfo.InvariantCulture, $"{caller.InboxId}.{caller.ContactId}"));

    public (string Ticket, DateTimeOffset ExpiresAt) IssueStreamTicket(WidgetCaller caller, DateTimeOffset now)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + StreamTicketLifetime).ToUnixTimeSeconds());
        return (Sign(string.Create(CultureInfo.InvariantCulture, $"{caller.InboxId}.{caller.ContactId}.{StreamPurpose}.{expires.ToUnixTimeSeconds()}")), expires);
    }

    /// <summary>The caller of a session token; null for anything else, stream tickets included.</summary>
    public WidgetCaller? Validate(string? token) =>
        Verify(token) is [var inbox, var contact] ? Caller(inbox, contact) : null;

    /// <summary>The caller of a stream ticket that has not expired; null for anything else, session tokens included.</summary>
    public WidgetCaller? ValidateStreamTicket(string? ticket, DateTimeOffset now) =>
        Verify(ticket) is [var inbox, var contact, StreamPurpose, var expiry]
        && long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && now.ToUnixTimeSeconds() < seconds
            ? Caller(inbox, contact)
            : null;

    private static WidgetCaller? Caller(string inbox, string contact) =>
        long.TryParse(inbox, NumberStyles.None, CultureInfo.InvariantCulture, out var inboxId)
        && long.TryParse(contact, NumberStyles.None, CultureInfo.InvariantCulture, out var contactId)
            ? new WidgetCaller(inboxId, contactId)
            : null;

    private string Sign(string text)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, payload))}";
    }

    /// <summary>The signed payload's parts when the signature holds (compared in constant time), else null.</summary>
    private string[]? Verify(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature)
            ? Encoding.ASCII.GetString(payload).Split('.')
            : null;
    }
}

/// <summary>Checks that a website vouched for its signed-in user: userHash = hex(HMAC-SHA256(inbox secret, userId)).</summary>
public static class IdentityVerification
{
    public static string Sign(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    public static bool IsValid(string secret, string userId, string? userHash)
    {
        if (userHash is null || userHash.Length != 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(userHash);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
