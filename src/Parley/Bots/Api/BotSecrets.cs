using Microsoft.AspNetCore.DataProtection;

namespace Parley.Bots.Api;

/// <summary>
/// Protects the secrets an API step sends in its headers (API keys, tokens) with Data Protection, whose key ring is
/// shared by every node; the flow stores only the protected form.
/// </summary>
public sealed class BotSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Parley.Bots.Secrets");

    public string Protect(string plain) => _protector.Protect(plain);

    /// <summary>Throws a CryptographicException when the value was not protected here or its key is gone: the secret must be entered again.</summary>
    public string Unprotect(string stored) => _protector.Unprotect(stored);
}
