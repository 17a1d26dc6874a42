using System.Security.Cryptography;
using System.Text;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// Checks what a website vouched for, with the inbox's identity secret: its signed-in user's id
/// (userHash = hex(HMAC-SHA256(secret, userId))) and, separately, the profile it sends along
/// (profileHash = hex(HMAC-SHA256(secret, userId + "\n" + name + "\n" + email)), an absent field as empty).
/// A name or email without a valid profile hash never changes a verified contact.
/// </summary>
public static class IdentityVerification
{
    public static string Sign(string secret, string userId) => Hex(secret, userId);

    public static string SignProfile(string secret, string userId, string? name, string? email) => Hex(secret, ProfileText(userId, name, email));

    public static bool IsValid(string secret, string userId, string? userHash) => Matches(secret, userId, userHash);

    public static bool IsValidProfile(string secret, string userId, string? name, string? email, string? profileHash) =>
        Matches(secret, ProfileText(userId, name, email), profileHash);

    private static string ProfileText(string userId, string? name, string? email) => $"{userId}\n{name}\n{email}";

    private static string Hex(string secret, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text)));

    private static bool Matches(string secret, string text, string? hash)
    {
        if (hash is null || hash.Length != 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(hash);
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(text));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
