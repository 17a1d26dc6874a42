using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots.External;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots.External;

public sealed class ExternalBotTests
{
    private const string Secret = "a-signing-secret-of-the-bot";

    private sealed record Setup(ParleyApplication App, PlatformStandIn Bot, HttpClient Api) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await Bot.DisposeAsync();
            await App.DisposeAsync();
        }

        public List<RecordedRequest> Events => [.. Bot.Requests];

        public Task<RecordedRequest> EventAsync(int number) =>
            Expect.UntilAsync(() => Task.FromResult(Bot.Requests.Count(r => r.Method == "POST") >= number), $"event {number} reached the bot")
                .ContinueWith(_ => Bot.Requests.Where(r => r.Method == "POST").ElementAt(number - 1), TaskScheduler.Default);
    }

    private static async Task<Setup> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, TestDatabase? database = null)
    {
        var bot = await PlatformStandIn.StartAsync();
        var app = new ParleyApplication(database ?? TestDatabase.Create(provider))
        {
            Settings = { ["Bots:External:FirstBackoff"] = "00:00:00.050", ["Bots:External:PollInterval"] = "00:00:00.200" },
        };
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        await Expect.StatusAsync(await manager.PutAsJsonAsync("/api/console/bot-endpoints/1", new { url = bot.BaseUrl + "events", secret = Secret }), HttpStatusCode.OK);
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var created = await admin.PostAsJsonAsync("/api/console/api-tokens", new { accountId = 1, name = "Our bot" });
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var token = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Setup(app, bot, api);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_external_bot_gets_signed_events_in_order_and_answers_hands_over_through_the_api(DatabaseProvider provider)
    {
        await using var setup = await StartAsync(provider);
        var customer = await WidgetClient.OpenedAsync(setup.App);

        var started = await setup.EventAsync(1);
        Assert.True(BotSignature.Verify(Secret, started.Headers[BotSignature.Header], started.Body, setup.App.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.Equal(BotEventKinds.ConversationStarted, started.Json.GetProperty("type").GetString());
        var conversation = started.Json.GetProperty("conversation").GetProperty("id").GetInt64();

        var sent = await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages",
            new { text = "Hello from our own bot. Parcels or bank?", options = new[] { new { id = "parcels", title = "Parcels" }, new { id = "bank", title = "Bank" } } });
        await Expect.StatusAsync(sent, HttpStatusCode.OK);
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text == "Hello from our own bot. Parcels or bank?" && x.Options!.Count == 2), "the bot's message");

        await customer.SendAsync("first");
        await customer.SendAsync("second");
        var first = await setup.EventAsync(2);
        var second = await setup.EventAsync(3);
        Assert.Equal(("first", "second"), (first.Json.GetProperty("message").GetProperty("text").GetString(), second.Json.GetProperty("message").GetProperty("text").GetString()));
        Assert.Equal(BotEventKinds.MessageCreated, first.Headers["X-Parley-Event"]);

        var history = await setup.Api.GetFromJsonAsync<JsonElement>($"/api/bot/v1/conversations/{conversation}/messages?after=0");
        Assert.Equal(["Hello from our own bot. Parcels or bank?", "first", "second"], history.EnumerateArray().Select(m => m.GetProperty("text").GetString()));

        await Expect.StatusAsync(await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/handoff", new { queue = "Bank", reason = "Asked for a card block.", priority = 1 }), HttpStatusCode.OK);
        await customer.WaitForAsync(m => m.Status == "queued", "the handoff");
        var detail = await setup.App.DbAsync(db => db.ReportingEvents.Where(e => e.Name == ReportingEventNames.HandedOff).Select(e => e.Detail).SingleAsync());
        Assert.Equal("Asked for a card block.", detail);

        // Once a human has it, the bot's word is refused, and nothing more is sent to it.
        await Expect.ProblemAsync(await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages", new { text = "still me" }), HttpStatusCode.Conflict);
        await customer.SendAsync("third");
        await Task.Delay(500);
        Assert.Equal(3, setup.Events.Count);
    }

    [Fact]
    public async Task A_failing_bot_gets_the_event_again_until_it_takes_it_once()
    {
        await using var setup = await StartAsync();
        var refusals = 2;
        setup.Bot.Respond = _ => Interlocked.Decrement(ref refusals) >= 0 ? new StandInResponse(503, "{}") : null;

        await WidgetClient.OpenedAsync(setup.App);

        // Each retry waits its backoff on the test clock.
        await Expect.UntilAsync(async () =>
        {
            setup.App.Clock.Advance(TimeSpan.FromSeconds(1));
            return await setup.App.DbAsync(db => db.BotEvents.AnyAsync(e => e.SentAt != null));
        }, "the event taken");
        var stored = await setup.App.DbAsync(db => db.BotEvents.SingleAsync());
        Assert.Equal(3, stored.Attempts);
        Assert.Equal(3, setup.Events.Count);
        Assert.Single(setup.Events.Select(e => e.Headers["X-Parley-Delivery"]).Distinct());
    }

    [Fact]
    public async Task Tokens_are_checked_and_scoped_to_their_account()
    {
        await using var setup = await StartAsync();
        await WidgetClient.OpenedAsync(setup.App);
        var conversation = (await setup.EventAsync(1)).Json.GetProperty("conversation").GetProperty("id").GetInt64();

        using var anonymous = setup.App.CreateClient();
        await Expect.ProblemAsync(await anonymous.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages", new { text = "hi" }), HttpStatusCode.Unauthorized);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pbt_forged");
        await Expect.ProblemAsync(await anonymous.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages", new { text = "hi" }), HttpStatusCode.Unauthorized);

        await Expect.ProblemAsync(await setup.Api.PostAsJsonAsync("/api/bot/v1/conversations/9999/messages", new { text = "hi" }), HttpStatusCode.NotFound);

        // Another brand's bot, with a valid token of its own account: this conversation does not exist for it.
        const string otherToken = "pbt_another-brands-token";
        await setup.App.DbAsync(async db =>
        {
            var brand = db.Accounts.Add(new Parley.Accounts.Account { Name = "PosteMobile", CreatedAt = DateTime.UtcNow }).Entity;
            await db.SaveChangesAsync();
            db.ApiTokens.Add(new ApiToken { AccountId = brand.Id, Name = "theirs", TokenHash = BotTokenFilter.Hash(otherToken), CreatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        using var other = setup.App.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", otherToken);
        await Expect.ProblemAsync(await other.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages", new { text = "hi" }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await other.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/resolve", new { }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await other.GetAsync($"/api/bot/v1/conversations/{conversation}/messages"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/messages", new { text = "" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/handoff", new { queue = "Nope" }), HttpStatusCode.BadRequest);

        // Revoked: refused at once.
        var admin = await ConsoleLogin.SignedInAsync(setup.App, "admin@parley.local");
        var id = (await admin.GetFromJsonAsync<JsonElement>("/api/console/api-tokens"))[0].GetProperty("id").GetInt64();
        await Expect.StatusAsync(await admin.DeleteAsync($"/api/console/api-tokens/{id}"), HttpStatusCode.NoContent);
        await Expect.ProblemAsync(await setup.Api.PostAsJsonAsync($"/api/bot/v1/conversations/{conversation}/resolve", new { }), HttpStatusCode.Unauthorized);

        var advisor = await ConsoleLogin.SignedInAsync(setup.App, "marie@parley.local");
        await Expect.ProblemAsync(await advisor.PostAsJsonAsync("/api/console/api-tokens", new { accountId = 1, name = "mine" }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await advisor.PutAsJsonAsync("/api/console/bot-endpoints/1", new { url = "https://bot.example/events", secret = Secret }), HttpStatusCode.Forbidden);
        Assert.DoesNotContain(Secret, await setup.App.DbAsync(db => db.BotEndpoints.Select(e => e.Secret).SingleAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bot_api_is_in_the_openapi_document()
    {
        await using var app = new ParleyApplication();

        var document = await app.CreateClient().GetStringAsync("/openapi/v1.json");

        foreach (var path in new[] { "messages", "handoff", "resolve" })
        {
            Assert.Contains($"/api/bot/v1/conversations/{{id}}/{path}", document, StringComparison.Ordinal);
        }

        Assert.Contains("Bot API", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/console/api-tokens", document, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_holds_only_for_its_body_its_secret_and_its_time()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var header = BotSignature.Sign(Secret, now.ToUnixTimeSeconds(), """{"type":"message.created"}""");

        Assert.True(BotSignature.Verify(Secret, header, """{"type":"message.created"}""", now, TimeSpan.FromMinutes(5)));
        Assert.False(BotSignature.Verify(Secret, header, """{"type":"message.created" }""", now, TimeSpan.FromMinutes(5)));
        Assert.False(BotSignature.Verify("another-secret-entirely", header, """{"type":"message.created"}""", now, TimeSpan.FromMinutes(5)));
        Assert.False(BotSignature.Verify(Secret, header, """{"type":"message.created"}""", now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(BotSignature.Verify(Secret, "v1=00", "{}", now, TimeSpan.FromMinutes(5)));
    }
}
