using System.Security.Cryptography;
using System.Text;

namespace Parley.Channels.Webhooks;

/// <summary>HMAC-SHA256 signatures of webhook bodies, compared in constant time.</summary>
public static class WebhookSignature
{
    /// <summary>Meta's X-Hub-Signature-256: <c>sha256=</c> and the lowercase hex HMAC of the raw body with the app secret.</summary>
    public static bool IsValidHex(string secret, ReadOnlySpan<byte> body, string? header)
    {
        const string prefix = "sha256=";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Compute(secret, body), given);
    }

    /// <summary>X's x-twitter-webhooks-signature: <c>sha256=</c> and the base64 HMAC of the raw body with the consumer secret.</summary>
    public static bool IsValidBase64(string secret, ReadOnlySpan<byte> body, string? header)
    {
        const string prefix = "sha256=";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (!Convert.TryFromBase64String(header[prefix.Length..], given, out var written) || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Compute(secret, body), given);
    }

    public static string Hex(string secret, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToHexStringLower(Compute(secret, body));

    public static string Base64(string secret, ReadOnlySpan<byte> body) => "sha256=" + Convert.ToBase64String(Compute(secret, body));

    /// <summary>Compares two tokens (a verify token) in constant time.</summary>
    public static bool SameToken(string? expected, string? given) =>
        expected is { Length: > 0 } && given is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    private static byte[] Compute(string secret, ReadOnlySpan<byte> body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
}
