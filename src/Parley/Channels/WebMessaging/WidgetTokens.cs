using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Channels.WebMessaging;

/// <summary>What a widget token is good for: calling the API, getting new tokens, or opening the event stream.</summary>
public enum TokenPurpose
{
    Session,
    Refresh,
    Stream,
}

/// <summary>
/// Who a widget token speaks for, as signed: an inbox and a subject, <c>c{contactId}</c> for a signed-in customer or
/// <c>g{guestId}</c> for a guest (whose contact is created only when they first write or open the conversation).
/// </summary>
public sealed record WidgetClaims(long InboxId, string Subject, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    public static string ContactSubject(long contactId) => string.Create(CultureInfo.InvariantCulture, $"c{contactId}");

    public static string GuestSubject(string guestId) => "g" + guestId;

    /// <summary>The contact id of a signed-in customer's token; null for a guest's.</summary>
    public long? ContactId =>
        Subject.StartsWith('c') && long.TryParse(Subject.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>The guest id of a guest's token; null for a signed-in customer's.</summary>
    public string? GuestId => Subject.StartsWith('g') ? Subject[1..] : null;
}

/// <summary>
/// Stateless, expiring widget tokens: "keyId.purpose.inboxId.subject.issuedAt.expiresAt" signed with HMAC-SHA256 under one
/// key of a versioned key ring that every node shares (see <see cref="WidgetKeyRing"/>). Checking one costs no database
/// round trip; the newest key signs, older ones still verify until they are retired, so a key rotates without ending every
/// session at once. This class is one snapshot of the ring.
/// </summary>
/// <remarks>
/// Session tokens are short-lived and sent as a bearer header; a refresh token (long-lived, used only on POST
/// /sessions/refresh) gets a new pair, which the widget does silently. A browser's EventSource cannot send headers, so its
/// stream opens with a one-minute stream ticket in the query string, good for nothing else: a URL that ends up in a log
/// holds an expired ticket, never a session token.
/// </remarks>
public sealed class WidgetTokens(IReadOnlyDictionary<int, byte[]> keys, int currentKeyId)
{
    public const int MaxLength = 400;

    public static readonly TimeSpan StreamTicketLifetime = TimeSpan.FromSeconds(60);

    public int CurrentKeyId { get; } = keys.ContainsKey(currentKeyId) ? currentKeyId : throw new ArgumentException("The current key is not in the ring.", nameof(currentKeyId));

    public bool HasKey(int keyId) => keys.ContainsKey(keyId);

    public IEnumerable<int> KeyIds => keys.Keys.Order();

    public (string Token, DateTimeOffset ExpiresAt) Issue(TokenPurpose purpose, long inboxId, string subject, DateTimeOffset now, TimeSpan lifetime)
    {
        var issued = now.ToUnixTimeSeconds();
        var expires = (now + lifetime).ToUnixTimeSeconds();
        var payload = string.Create(CultureInfo.InvariantCulture, $"{CurrentKeyId}.{Code(purpose)}.{inboxId}.{subject}.{issued}.{expires}");
        return (Sign(keys[CurrentKeyId], payload), DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    public (string Ticket, DateTimeOffset ExpiresAt) IssueStreamTicket(WidgetClaims session, DateTimeOffset now) =>
        Issue(TokenPurpose.Stream, session.InboxId, session.Subject, now, StreamTicketLifetime);

    /// <summary>The claims of a token of this purpose, signed by a key of the ring and not expired; null for anything else.</summary>
    public WidgetClaims? Validate(string? token, TokenPurpose purpose, DateTimeOffset now) =>
        Read(token) is { } read && read.Purpose == purpose && now < read.Claims.ExpiresAt ? read.Claims : null;

    /// <summary>The key id a token claims, before any check (to know whether the ring must be reloaded); null when unreadable.</summary>
    public static int? KeyIdOf(string? token)
    {
        var payload = Payload(token);
        var dot = payload?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot > 0 && int.TryParse(payload.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private static char Code(TokenPurpose purpose) => purpose switch
    {
        TokenPurpose.Session => 's',
        TokenPurpose.Refresh => 'r',
        _ => 'e',
    };

    private static string Sign(byte[] key, string text)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(key, payload))}";
    }

    private static string? Payload(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength)
        {
            return null;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        try
        {
            return Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private (TokenPurpose Purpose, WidgetClaims Claims)? Read(string? token)
    {
        if (token is null
            || Payload(token) is not { } text
            || text.Split('.') is not [var kid, [var code], var inbox, [_, ..] subject, var issued, var expires]
            || !int.TryParse(kid, NumberStyles.None, CultureInfo.InvariantCulture, out var keyId)
            || !keys.TryGetValue(keyId, out var key))
        {
            return null;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(token.AsSpan(token.IndexOf('.', StringComparison.Ordinal) + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(text)), signature)
            || !long.TryParse(inbox, NumberStyles.None, CultureInfo.InvariantCulture, out var inboxId)
            || !long.TryParse(issued, NumberStyles.None, CultureInfo.InvariantCulture, out var issuedAt)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return null;
        }

        var purpose = code switch
        {
            's' => TokenPurpose.Session,
            'r' => TokenPurpose.Refresh,
            'e' => TokenPurpose.Stream,
            _ => (TokenPurpose?)null,
        };
        return purpose is null
            ? null
            : (purpose.Value, new WidgetClaims(inboxId, subject, DateTimeOffset.FromUnixTimeSeconds(issuedAt), DateTimeOffset.FromUnixTimeSeconds(expiresAt)));
    }
}
