using System.Net;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Demo;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

public sealed class DemoConnectionsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task The_demo_connects_each_network_to_the_simulator_once_also_in_a_database_seeded_before(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using (var first = new ParleyApplication(database))
        {
            _ = first.Services;
            Assert.Equal(4, await first.DbAsync(db => db.Connections.CountAsync()));

            // A demo database from before the simulator: the account, no connections.
            await first.DbAsync(async db =>
            {
                await db.Connections.ExecuteDeleteAsync();
                return true;
            });
        }

        await using (var second = new ParleyApplication(database))
        {
            _ = second.Services;
            Assert.Equal(4, await second.DbAsync(db => db.Connections.CountAsync()));
        }

        await using var third = new ParleyApplication(database);
        _ = third.Services;
        var connections = await third.DbAsync(db => db.Connections.AsNoTracking().ToListAsync());
        Assert.Equal(4, connections.Count);
        var secrets = new HashSet<string?>();
        var accountId = await third.DbAsync(db => db.Accounts.Where(a => a.Name == DemoWorkspace.AccountName).Select(a => a.Id).SingleAsync());
        foreach (var (kind, externalId, _) in DemoWorkspace.SocialAccounts)
        {
            var credentials = await SimulatorClient.ConnectionAsync(third, kind);
            Assert.Equal((externalId, accountId, true, 50.0), (credentials.ExternalId, credentials.AccountId, credentials.Enabled, credentials.RatePerSecond));
            Assert.Equal(kind == ChannelKind.X ? "/simulator/x" : "/simulator/graph/v23.0", credentials.Settings.ApiUrl);
            Assert.All(new[] { credentials.AccessToken, credentials.AppSecret, credentials.VerifyToken }, s => Assert.True(s is { Length: >= 32 }, "a random secret"));
            secrets.Add(credentials.AppSecret);
        }

        var whatsApp = await SimulatorClient.ConnectionAsync(third, ChannelKind.WhatsApp);
        Assert.Equal(["follow_up", "parcel_update"], whatsApp.Settings.Templates.Select(t => t.Name).Order());
        Assert.Equal(2, whatsApp.Settings.Templates.Single(t => t.Name == "parcel_update").ParameterCount);
        Assert.Equal(4, secrets.Count);
    }

    [Fact]
    public async Task Without_the_demo_there_is_no_simulator_and_no_demo_connection()
    {
        await using var app = new ParleyApplication { Demo = false };
        var client = app.CreateClient();
        foreach (var (method, path) in new[]
        {
            ("GET", "/simulator"),
            ("GET", "/simulator/api/networks"),
            ("GET", "/simulator/api/inspector"),
            ("POST", "/simulator/api/customers"),
            ("POST", "/simulator/graph/v23.0/100200300400500/messages"),
            ("GET", "/simulator/graph/v23.0/2000000000000001"),
            ("POST", "/simulator/x/2/dm_conversations/with/1234567/messages"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null };
            await Expect.ProblemAsync(await client.SendAsync(request), HttpStatusCode.NotFound);
        }

        Assert.Equal(0, await app.DbAsync(db => db.Connections.CountAsync()));
    }
}
