using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Conversations;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// A queue is deleted only when nothing still sends customers to it (a published flow, an inbox's bot, a connection's
/// public bot) and no conversation is or was in it; the 409 says what holds it.
/// </summary>
public sealed class QueueDeletionTests
{
    internal static string Flow(string queue) => $"""
        name: Claims flow
        start: hand
        handoff:
          queue: {queue}
        steps:
        - {"{"} id: hand, type: handoff, queue: {queue}, reason: A claim. {"}"}
        """;

    [Theory, OnSqlite, OnPostgres]
    public async Task A_queue_a_flow_or_a_public_bot_hands_over_to_stays_and_the_refusal_names_them(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");

        var flow = await admin.PostAsJsonAsync("/api/console/flows", new { accountId = account, name = "Claims flow", isDefault = false, yaml = Flow("Claims") });
        await Expect.StatusAsync(flow, HttpStatusCode.Created);
        var flowId = JsonDocument.Parse(await flow.Content.ReadAsStringAsync()).RootElement.GetProperty("flow").GetProperty("id").GetInt64();
        await Expect.StatusAsync(await admin.PostAsJsonAsync($"/api/console/flows/{flowId}/publish", new { note = "first" }), HttpStatusCode.OK);
        var messenger = await app.DbAsync(db => db.Connections.Where(c => c.Kind == ChannelKind.Messenger)
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new { c.Id, i.Name }).FirstAsync());
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/connections/{messenger.Id}/public-bot", new { mode = "Off", queueId = claims }), HttpStatusCode.OK);

        Assert.Equal($"The flow 'Claims flow' (version 1) and the public bot of '{messenger.Name}' hand over to this queue: change them first.",
            await RefusalAsync(admin, claims));

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/connections/{messenger.Id}/public-bot", new { mode = "Off" }), HttpStatusCode.OK);
        Assert.Equal("The flow 'Claims flow' (version 1) hands over to this queue: change it first.", await RefusalAsync(admin, claims));

        // A draft is not what customers meet: only once the version naming another queue is published does the queue go.
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/flows/{flowId}/draft", new { yaml = Flow("Bank") }), HttpStatusCode.OK);
        Assert.StartsWith("The flow 'Claims flow' (version 1)", await RefusalAsync(admin, claims));
        await Expect.StatusAsync(await admin.PostAsJsonAsync($"/api/console/flows/{flowId}/publish", new { note = "to the bank" }), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.DeleteAsync($"/api/console/queues/{claims}"), HttpStatusCode.NoContent);

        // The website inbox's bot sends customers to the demo's first queue by id.
        var parcels = await app.DbAsync(db => db.Queues.Where(q => q.AccountId == account && q.Name == "Parcels").Select(q => q.Id).FirstAsync());
        var website = (await app.DemoInboxAsync()).Name;
        Assert.Equal($"The bot of '{website}' hands over to this queue: change it first.", await RefusalAsync(admin, parcels));
        Assert.True(await app.DbAsync(db => db.Queues.AnyAsync(q => q.Id == parcels)));
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_queue_with_an_open_conversation_is_kept_until_it_is_transferred_or_resolved_and_then_for_its_history(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var (conversationId, _) = await ConversationAsync(app);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var actions = app.Service<ConversationActions>();
        Assert.Equal(TransferResult.Done, (await actions.TransferAsync(supervisor, conversationId, new TransferRequest(null, claims, "claims"), CancellationToken.None)).Result);

        Assert.Equal("1 open conversation is in it: transfer it to another queue or resolve it first.", await RefusalAsync(admin, claims));
        Assert.Equal(claims, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.QueueId).FirstAsync()));

        Assert.True((await actions.ResolveAsync(supervisor, conversationId, CancellationToken.None)).Ok);
        Assert.Equal(ConversationStatus.Resolved, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.Status).FirstAsync()));
        Assert.Equal("'Claims' has past conversations, which keep it as their history: it stays; rename it instead.", await RefusalAsync(admin, claims));
        Assert.True(await app.DbAsync(db => db.Queues.AnyAsync(q => q.Id == claims)));
        Assert.Empty(app.LoggedErrors);
    }

    internal static async Task<long> QueueAsync(HttpClient admin, long account, string name)
    {
        var created = await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(account, name));
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<QueueView>(Json))!.Id;
    }

    private static async Task<string?> RefusalAsync(HttpClient admin, long queue) =>
        (await Expect.ProblemAsync(await admin.DeleteAsync($"/api/console/queues/{queue}"), HttpStatusCode.Conflict)).GetProperty("detail").GetString();
}
