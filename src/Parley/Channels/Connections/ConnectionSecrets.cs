using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Parley.Channels;

/// <summary>
/// Protects connection secrets at rest with ASP.NET Core Data Protection, whose key ring is in the database
/// (data_protection_keys), so every node can read what another one saved.
/// </summary>
public sealed class ConnectionSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Parley.Channels.ConnectionSecrets.v1");

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    /// <summary>The secret, or null when there is none or it cannot be read any more (its key was deleted): enter it again.</summary>
    public string? Unprotect(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
