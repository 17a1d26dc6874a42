using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Channels;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Connections;

public sealed class ConnectionsApiTests
{
    private static object Input(string externalId = "100200300400777", string? token = "page-token", string? secret = "app-secret", string kind = "Messenger", long accountId = 1) =>
        new { kind, accountId, name = "La Posta page", externalId, accessToken = token, appSecret = secret, verifyToken = (string?)null, ratePerSecond = (double?)null };

    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_adds_a_connection_whose_secrets_are_stored_encrypted_and_read_by_every_node(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var first = new ParleyApplication(database);
        var admin = await ConsoleLogin.SignedInAsync(first, "admin@parley.local");

        var created = await admin.PostAsJsonAsync("/api/console/connections", Input());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("page-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain("app-secret", body, StringComparison.Ordinal);
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal("/webhooks/messenger", view.GetProperty("webhookPath").GetString());
        Assert.Equal(32, view.GetProperty("verifyToken").GetString()!.Length);
        Assert.True(view.GetProperty("hasAccessToken").GetBoolean());

        var stored = await first.DbAsync(db => db.Connections.AsNoTracking().SingleAsync(c => c.ExternalId == "100200300400777"));
        Assert.DoesNotContain("page-token", stored.AccessToken, StringComparison.Ordinal);
        Assert.DoesNotContain("app-secret", stored.AppSecret, StringComparison.Ordinal);

        // The key ring is in the database (not in a folder of one machine), so another node reads them.
        Assert.NotEmpty(await first.DbAsync(db => db.DataProtectionKeys.ToListAsync()));
        await using var second = new ParleyApplication(database);
        var read = await second.Service<ConnectionDirectory>().FindAsync(ChannelKind.Messenger, "100200300400777", CancellationToken.None);
        Assert.Equal(("page-token", "app-secret"), (read!.AccessToken, read.AppSecret));
    }

    [Fact]
    public async Task Only_admins_manage_connections_and_bad_input_gets_the_reason()
    {
        await using var app = new ParleyApplication();
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/connections"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await advisor.GetAsync("/api/console/connections"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await advisor.PostAsJsonAsync("/api/console/connections", Input()), HttpStatusCode.Forbidden);

        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/connections", Input(token: null)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/connections", Input(externalId: "12 34")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/connections", Input(kind: "WebMessaging")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/connections", Input(accountId: 999)), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/console/connections", Input())).StatusCode);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/connections", Input()), HttpStatusCode.Conflict);

        Assert.Single(await app.DbAsync(db => db.Connections.Where(c => c.ExternalId == "100200300400777").ToListAsync()));
    }

    [Fact]
    public async Task A_change_without_secrets_keeps_them_and_a_disabled_connection_takes_no_webhooks()
    {
        await using var app = new ParleyApplication();
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var created = await (await admin.PostAsJsonAsync("/api/console/connections", Input())).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt64();

        var renamed = new { kind = "Messenger", accountId = 1, name = "Renamed", externalId = "100200300400777", enabled = false, verifyToken = "my-verify" };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/console/connections/{id}", renamed)).StatusCode);

        var read = await app.Service<ConnectionDirectory>().FindAsync(ChannelKind.Messenger, "100200300400777", CancellationToken.None);
        Assert.Equal(("page-token", "app-secret", "my-verify", false), (read!.AccessToken, read.AppSecret, read.VerifyToken, read.Enabled));
        Assert.Equal("Renamed", await app.DbAsync(db => db.Inboxes.Where(i => i.Id == read.InboxId).Select(i => i.Name).SingleAsync()));
        var webhook = await TestConnections.PostSignedAsync(app.CreateClient(), "/webhooks/messenger",
            """{"object":"page","entry":[{"id":"100200300400777","time":1,"messaging":[]}]}""", "app-secret");
        await Expect.ProblemAsync(webhook, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Connections_declared_in_configuration_are_saved_at_start_and_changed_only_there()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Channels:Connections:0:Kind"] = "WhatsApp",
            ["Channels:Connections:0:Account"] = "La Posta",
            ["Channels:Connections:0:Name"] = "La Posta WhatsApp",
            ["Channels:Connections:0:ExternalId"] = "106540352242777",
            ["Channels:Connections:0:AccessToken"] = "system-user-token",
            ["Channels:Connections:0:AppSecret"] = "meta-app-secret",
            ["Channels:Connections:0:VerifyToken"] = "declared-verify",
            ["Channels:Connections:0:Templates:0:Name"] = "parcel_update",
            ["Channels:Connections:0:Templates:0:Language"] = "it",
            ["Channels:Connections:0:Templates:0:Body"] = "Ciao {{1}}, il pacco {{2}} è in viaggio.",
        };
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        await using (var app = new ParleyApplication(database) { Settings = settings })
        {
            var read = await app.Service<ConnectionDirectory>().FindAsync(ChannelKind.WhatsApp, "106540352242777", CancellationToken.None);
            Assert.Equal(("system-user-token", "declared-verify"), (read!.AccessToken, read.VerifyToken));
            Assert.Equal(2, Assert.Single(read.Settings.Templates).ParameterCount);
            var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
            var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/console/connections")).EnumerateArray()
                .Single(c => c.GetProperty("externalId").GetString() == "106540352242777");
            Assert.True(listed.GetProperty("declared").GetBoolean());
            var change = new { kind = "WhatsApp", accountId = 1, name = "Other", externalId = "106540352242777" };
            await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/connections/{listed.GetProperty("id").GetInt64()}", change), HttpStatusCode.Conflict);
        }

        // A new token in configuration replaces the stored one at the next start; still one connection.
        settings["Channels:Connections:0:AccessToken"] = "rotated-token";
        await using var restarted = new ParleyApplication(database) { Settings = settings };
        var rotated = await restarted.Service<ConnectionDirectory>().FindAsync(ChannelKind.WhatsApp, "106540352242777", CancellationToken.None);
        Assert.Equal("rotated-token", rotated!.AccessToken);
        Assert.Single(await restarted.DbAsync(db => db.Connections.Where(c => c.ExternalId == "106540352242777").ToListAsync()));

        // A declaration naming an account that does not exist stops the start (the hosted service that saves them fails)
        // with the reason. Asked of that service itself: a host whose start fails is torn down by the test host in ways
        // that once hid the reason behind a NullReferenceException of its own.
        settings["Channels:Connections:0:Account"] = "No Such Brand";
        var wrong = new DeclaredConnections(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), restarted.Service<IDbContextFactory<ParleyDb>>(),
            restarted.Service<ConnectionAdmin>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<DeclaredConnections>.Instance);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => wrong.StartAsync(CancellationToken.None));
        Assert.Contains("no account named 'No Such Brand'", failure.Message, StringComparison.Ordinal);
        Assert.Contains(restarted.Services.GetServices<IHostedService>(), s => s is DeclaredConnections);
    }

    [Fact]
    public async Task Testing_the_credentials_asks_the_platform_with_the_token()
    {
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        graph.Respond = r => r.Headers.GetValueOrDefault("Authorization") == "Bearer page-token"
            ? StandInResponse.Ok(new { id = "100200300400777", name = "La Posta" })
            : new StandInResponse(401, """{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}""");
        await using var app = new ParleyApplication { Settings = { ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString() } };
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var id = (await (await admin.PostAsJsonAsync("/api/console/connections", Input())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var ok = await (await admin.PostAsync($"/api/console/connections/{id}/check", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(ok.GetProperty("ok").GetBoolean());
        Assert.Contains("La Posta", ok.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("fields=id,name", graph.Requests.Single().Query, StringComparison.Ordinal);

        await admin.PutAsJsonAsync($"/api/console/connections/{id}", new { kind = "Messenger", accountId = 1, name = "La Posta page", externalId = "100200300400777", accessToken = "expired" });
        var bad = await (await admin.PostAsync($"/api/console/connections/{id}/check", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(bad.GetProperty("ok").GetBoolean());
        Assert.Contains("Invalid OAuth access token", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
