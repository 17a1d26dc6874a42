using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Parley.Bots.Api;
using Parley.Data;
using Parley.Tests.Infrastructure;

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

    [Fact]
    public async Task A_secret_protected_on_one_node_is_read_on_another()
    {
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        string stored;
        await using (var first = new ParleyApplication(database) { Demo = false })
        {
            stored = first.Service<BotSecrets>().Protect("sk_live_4242");
        }

        await using var second = new ParleyApplication(database) { Demo = false };

        Assert.Equal("sk_live_4242", second.Service<BotSecrets>().Unprotect(stored));
    }
}
