using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Bots;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;
using static Parley.Tests.Routing.QueueDeletionTests;

namespace Parley.Tests.Routing;

/// <summary>
/// Flows name queues by name, so a rename is carried into them (a new version, and the draft); inbox bots, public bots
/// and conversations name queues by id and need nothing.
/// </summary>
public sealed class QueueRenameTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_renamed_queue_still_gets_the_customers_its_flow_hands_over(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var flowId = await FlowsApiTests.PublishAsync(admin, Flow("Claims"), "Claims flow");

        var renamed = await admin.PutAsJsonAsync($"/api/console/queues/{claims}", new QueueRename("Claims and refunds"));
        await Expect.StatusAsync(renamed, HttpStatusCode.OK);

        var flow = await app.DbAsync(db => db.BotFlows.AsNoTracking().FirstAsync(f => f.Id == flowId));
        var published = await app.DbAsync(db => db.BotFlowVersions.AsNoTracking().FirstAsync(v => v.Id == flow.PublishedVersionId));
        Assert.Equal((2, "Queue 'Claims' renamed to 'Claims and refunds'"), (published.Number, published.Note));
        Assert.Equal(["Claims and refunds", "Claims and refunds"], QueueReferences.QueuesNamed(FlowYaml.Read(published.Document)));
        Assert.Equal(["Claims and refunds", "Claims and refunds"], QueueReferences.QueuesNamed(FlowYaml.Read(flow.Draft)));

        // A new customer meets version 2 and is handed to the renamed queue, not to the inbox's default one.
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.WaitForAsync(m => m.Status is "queued" or "assigned", "the handoff");
        Assert.Equal(claims, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.QueueId).FirstAsync()));
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_public_bot_names_its_queue_by_id_and_keeps_it_through_a_rename(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var claims = await QueueAsync(admin, account, "Claims");
        var messenger = await app.DbAsync(db => db.Connections.Where(c => c.Kind == Parley.Channels.ChannelKind.Messenger).Select(c => c.Id).FirstAsync());
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/connections/{messenger}/public-bot", new { mode = "Off", queueId = claims }), HttpStatusCode.OK);

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/queues/{claims}", new QueueRename("Claims and refunds")), HttpStatusCode.OK);

        var bot = await admin.GetFromJsonAsync<JsonElement>($"/api/console/connections/{messenger}/public-bot");
        Assert.Equal(claims, bot.GetProperty("settings").GetProperty("queueId").GetInt64());
        Assert.Contains(bot.GetProperty("queues").EnumerateArray(), q => q.GetProperty("id").GetInt64() == claims && q.GetProperty("name").GetString() == "Claims and refunds");
    }
}
