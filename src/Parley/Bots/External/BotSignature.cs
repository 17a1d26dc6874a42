using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Bots.External;

/// <summary>
/// How an external bot knows an event comes from Parley: the header <c>X-Parley-Signature: t=UNIX_SECONDS,v1=HEX</c>, where
/// HEX is the HMAC-SHA256, keyed with the endpoint's secret, of <c>t + "." + body</c>. The time lets the bot refuse old
/// replays; it compares in constant time (docs/BOT_API.md).
/// </summary>
public static class BotSignature
{
    public const string Header = "X-Parley-Signature";

    public static string Sign(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + body));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Checks a signature as a bot would: right key, right body, not older than <paramref name="tolerance"/>.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = (header ?? string.Empty).Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var given)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body).Split("v1=")[1]);
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(given));
    }
}
