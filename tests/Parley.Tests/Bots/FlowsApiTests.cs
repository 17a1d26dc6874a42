using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Bots;

public sealed class FlowsApiTests
{
    private const string ChannelManager = "chiara@parley.local";

    internal static string Greeting(string hello) => $$"""
        name: Welcome
        start: hello
        intents:
          bank: { en: [my card is blocked, my bank account] }
        handoff:
          queue: Parcels
          rules:
          - when: asks_for_human
        steps:
        - id: hello
          type: message
          text: "{{hello}}"
          next: what
        - id: what
          type: ask
          expect: choice
          text: Parcels or bank?
          options:
          - { id: parcels, title: Parcels, next: parcels }
          - { id: bank, title: Bank, next: bank }
        - { id: parcels, type: resolve, text: "Parcels it is ({{hello}})." }
        - { id: bank, type: handoff, queue: Bank, priority: 2, reason: Banking question. }
        """;

    internal static async Task<long> PublishAsync(HttpClient manager, string yaml, string name = "Welcome")
    {
        var created = await manager.PostAsJsonAsync("/api/console/flows", new { accountId = 1, name, isDefault = true, yaml });
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("flow").GetProperty("id").GetInt64();
        await Expect.StatusAsync(await manager.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { note = "first" }), HttpStatusCode.OK);
        return id;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_published_flow_greets_new_conversations_at_once_while_those_in_flight_finish_on_their_version(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database);
        var manager = await ConsoleLogin.SignedInAsync(app, ChannelManager);
        var id = await PublishAsync(manager, Greeting("Welcome to version one"));

        var early = await WidgetClient.OpenedAsync(app);
        await early.WaitForAsync(m => m.Messages.Any(x => x.Text == "Parcels or bank?"), "the first version's question");
        Assert.Contains((await early.MessagesAsync()).Messages, m => m.Text == "Welcome to version one");

        await Expect.StatusAsync(await manager.PutAsJsonAsync($"/api/console/flows/{id}/draft", new { yaml = Greeting("Welcome to version two") }), HttpStatusCode.OK);
        await Expect.StatusAsync(await manager.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { note = "new greeting" }), HttpStatusCode.OK);

        // A second node started before the publication sees it at once too: nothing to restart.
        await using var other = new ParleyApplication(database);
        var late = await WidgetClient.OpenedAsync(other);
        await late.WaitForAsync(m => m.Messages.Any(x => x.Text == "Welcome to version two"), "the second version's greeting");

        await early.SendAsync("Parcels");
        var finished = await early.WaitForAsync(m => m.Status == "resolved", "the first conversation resolved by the bot");
        Assert.Contains(finished.Messages, m => m.Text == "Parcels it is (Welcome to version one).");

        var versions = await manager.GetFromJsonAsync<JsonElement>($"/api/console/flows/{id}/versions");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal("Chiara (channel manager)", versions[0].GetProperty("publishedBy").GetString());
        Assert.Equal("new greeting", versions[0].GetProperty("note").GetString());
        Assert.True(versions[0].GetProperty("current").GetBoolean());

        var diff = await manager.GetFromJsonAsync<JsonElement>($"/api/console/flows/{id}/diff?from=1&to=2");
        var changed = diff.EnumerateArray().Where(l => l.GetProperty("change").GetString() != " ").Select(l => l.GetProperty("change").GetString() + l.GetProperty("text").GetString()!.Trim()).ToList();
        Assert.Contains("-text: \"Welcome to version one\"", changed);
        Assert.Contains("+text: \"Welcome to version two\"", changed);

        // Rolled back in one call: the old greeting is back for the next customer, and the history keeps all three.
        await Expect.StatusAsync(await manager.PostAsJsonAsync($"/api/console/flows/{id}/rollback", new { version = 1 }), HttpStatusCode.OK);
        var again = await WidgetClient.OpenedAsync(app);
        await again.WaitForAsync(m => m.Messages.Any(x => x.Text == "Welcome to version one"), "the rolled-back greeting");
        versions = await manager.GetFromJsonAsync<JsonElement>($"/api/console/flows/{id}/versions");
        Assert.Equal("Rollback to version 1", versions[0].GetProperty("note").GetString());
        Assert.Equal(3, versions.GetArrayLength());

        var export = await manager.GetAsync($"/api/console/flows/{id}/export?version=2");
        Assert.Contains("Welcome to version two", await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handoff_queues_with_its_priority_and_reason_and_the_funnel_is_recorded()
    {
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, ChannelManager);
        await PublishAsync(manager, Greeting("Hello"));

        var banking = await WidgetClient.OpenedAsync(app);
        await banking.WaitForAsync(m => m.Messages.Any(x => x.Text == "Parcels or bank?"), "the question");
        await banking.SendAsync("x", replyTo: "bank");
        await banking.WaitForAsync(m => m.Status == "queued", "the handoff");

        var human = await WidgetClient.OpenedAsync(app);
        await human.WaitForAsync(m => m.Messages.Any(x => x.Text == "Parcels or bank?"), "the question");
        await human.SendAsync("I want to talk to a human please");
        await human.WaitForAsync(m => m.Status == "queued", "the handoff on request");

        var queued = await app.DbAsync(db => db.Conversations.Where(c => c.Status == ConversationStatus.Queued).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Priority, Queue = db.Queues.Where(q => q.Id == c.QueueId).Select(q => q.Name).First() }).ToListAsync());
        Assert.Equal([("Bank", 2), ("Parcels", 0)], queued.Select(c => (c.Queue, c.Priority)));
        var reasons = await app.DbAsync(db => db.ReportingEvents.Where(e => e.Name == ReportingEventNames.HandedOff).OrderBy(e => e.ConversationId).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["Banking question.", "The customer asked for a human."], reasons);
        var funnel = await app.DbAsync(db => db.ReportingEvents.Where(e => e.ConversationId == queued[0].Id && e.Name == ReportingEventNames.BotStep).OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync());
        Assert.Equal(["Welcome/hello", "Welcome/what", "Welcome/bank"], funnel);
    }

    [Fact]
    public async Task Only_channel_managers_and_admins_of_the_account_see_and_change_flows()
    {
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, ChannelManager);
        var id = await PublishAsync(manager, Greeting("Hello"));
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        await app.DbAsync(async db =>
        {
            var brand = new Parley.Accounts.Account { Name = "PosteMobile", CreatedAt = DateTime.UtcNow };
            db.Accounts.Add(brand);
            await db.SaveChangesAsync();
            var chiara = await db.Advisors.SingleAsync(a => a.Email == ChannelManager);
            var other = new Advisor { Email = "other@parley.local", DisplayName = "Other brand", PasswordHash = chiara.PasswordHash, Role = AdvisorRole.ChannelManager, Capacity = 1, CreatedAt = DateTime.UtcNow };
            db.Advisors.Add(other);
            await db.SaveChangesAsync();
            db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = other.Id, AccountId = brand.Id });
            await db.SaveChangesAsync();
            return 0;
        });
        var outsider = await ConsoleLogin.SignedInAsync(app, "other@parley.local");

        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/flows"), HttpStatusCode.Unauthorized);
        foreach (var refused in new[] { advisor, supervisor })
        {
            await Expect.ProblemAsync(await refused.GetAsync("/api/console/flows"), HttpStatusCode.Forbidden);
            await Expect.ProblemAsync(await refused.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { }), HttpStatusCode.Forbidden);
        }

        // Another brand's channel manager: the flow does not exist for them, whatever they try by id.
        Assert.Equal(0, (await outsider.GetFromJsonAsync<JsonElement>("/api/console/flows")).GetArrayLength());
        await Expect.ProblemAsync(await outsider.GetAsync($"/api/console/flows/{id}"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await outsider.PutAsJsonAsync($"/api/console/flows/{id}/draft", new { yaml = Greeting("Hacked") }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await outsider.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await outsider.PostAsJsonAsync($"/api/console/flows/{id}/rollback", new { version = 1 }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await outsider.GetAsync($"/api/console/flows/{id}/export"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await outsider.PostAsJsonAsync("/api/console/flows", new { accountId = 1, name = "Mine" }), HttpStatusCode.Forbidden);

        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>("/api/console/flows")).GetArrayLength());
        Assert.DoesNotContain("Hacked", await manager.GetStringAsync($"/api/console/flows/{id}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_yaml_and_a_draft_with_errors_are_refused_with_the_reason_and_nothing_changes()
    {
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, ChannelManager);
        var id = await PublishAsync(manager, Greeting("Hello"));

        var bad = await Expect.ProblemAsync(await manager.PutAsJsonAsync($"/api/console/flows/{id}/draft", new { yaml = "name: x\nstart: a\nsteps:\n- id: a\n  typo: 1\n" }), HttpStatusCode.BadRequest);
        Assert.Contains("Line 5", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await Expect.StatusAsync(await manager.PutAsJsonAsync($"/api/console/flows/{id}/draft", new { yaml = Greeting("Hello").Replace("queue: Bank", "queue: Banking", StringComparison.Ordinal) }), HttpStatusCode.OK);
        var refused = await Expect.ProblemAsync(await manager.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("There is no queue called 'Banking' in this account.", refused.GetProperty("problems").ToString(), StringComparison.Ordinal);
        Assert.Single((await manager.GetFromJsonAsync<JsonElement>($"/api/console/flows/{id}/versions")).EnumerateArray());

        await Expect.ProblemAsync(await manager.PostAsJsonAsync("/api/console/flows", new { accountId = 1, name = "Welcome", yaml = Greeting("Hi") }), HttpStatusCode.Conflict);
        await Expect.ProblemAsync(await manager.PostAsJsonAsync($"/api/console/flows/{id}/rollback", new { version = 9 }), HttpStatusCode.NotFound);
    }
}
