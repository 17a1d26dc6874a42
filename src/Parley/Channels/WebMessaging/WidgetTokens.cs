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
public sealed class WidgetTokens(byte[] key)
{
    public const string SettingKey = "widget_token_key";

    public string Issue(WidgetCaller caller)
    {
        var payload = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{caller.InboxId}.{caller.ContactId}"));
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, payload))}";
    }

    public WidgetCaller? Validate(string? token)
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

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature))
        {
            return null;
        }

        var parts = Encoding.ASCII.GetString(payload).Split('.');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var inbox)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var contact)
            ? new WidgetCaller(inbox, contact)
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
