using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Parley.Bots.Api;

namespace Parley.Tests.Bots.Api;

public sealed class BotSecretsTests
{
    [Fact]
    public void A_secret_round_trips_and_is_not_stored_in_clear()
    {
        var provider = new EphemeralDataProtectionProvider();
        var secrets = new BotSecrets(provider);

        var stored = secrets.Protect("sk_live_4242");

        Assert.DoesNotContain("4242", stored, StringComparison.Ordinal);
        Assert.Equal("sk_live_4242", secrets.Unprotect(stored));
        Assert.Equal("sk_live_4242", provider.CreateProtector("Parley.Bots.Secrets").Unprotect(stored));
        Assert.ThrowsAny<CryptographicException>(() => provider.CreateProtector("Parley.Channels.ConnectionSecrets.v1").Unprotect(stored));
    }
}
