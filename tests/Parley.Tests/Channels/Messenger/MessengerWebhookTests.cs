using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

public sealed class MessengerWebhookTests
{
    [Fact]
    public async Task Meta_verifies_the_endpoint_with_the_connections_verify_token()
    {
        await using var world = await MetaWorld.StartAsync();
        var client = world.App.CreateClient();

        var ok = await client.GetAsync($"/webhooks/messenger?hub.mode=subscribe&hub.verify_token={TestConnections.VerifyToken}&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        await Expect.ProblemAsync(await client.GetAsync("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await client.GetAsync("/webhooks/messenger?hub.mode=unsubscribe&hub.verify_token=x&hub.challenge=1"), HttpStatusCode.BadRequest);

        // The token of a Messenger connection does not verify the Instagram endpoint.
        await Expect.ProblemAsync(await client.GetAsync($"/webhooks/instagram?hub.mode=subscribe&hub.verify_token={TestConnections.VerifyToken}&hub.challenge=1"),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_4xx_and_stores_nothing()
    {
        await using var world = await MetaWorld.StartAsync();
        var body = world.Body(world.Text("psid-1", "mid.bad.1", "hello"));
        var client = world.App.CreateClient();

        await Expect.ProblemAsync(await world.PostAsync(body, secret: "not-the-app-secret"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await client.PostAsync("/webhooks/messenger", new StringContent(body)), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await world.PostAsync("{\"object\": \"page\", \"entry\": [", TestConnections.AppSecret), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync(body.Replace("\"page\"", "\"instagram\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync(body.Replace(world.PageId, "999999", StringComparison.Ordinal)), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await world.PostAsync(world.Body(world.Event("psid-1", new JsonObject { ["message"] = new JsonObject { ["text"] = "no mid" } }))),
            HttpStatusCode.BadRequest);
        // Every event is read before the webhook is journaled: a bad one refuses the whole POST, good ones before it included.
        await Expect.ProblemAsync(await world.PostAsync(world.Body(world.Text("psid-1", "mid.good.1", "fine"),
            world.Event("psid-2", new JsonObject { ["message"] = new JsonObject { ["text"] = "no mid" } }))), HttpStatusCode.BadRequest);
        var huge = world.Body(world.Text("psid-1", "mid.huge", new string('a', 1_100_000)));
        await Expect.ProblemAsync(await world.PostAsync(huge), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, await world.App.DbAsync(db => db.Messages.CountAsync(m => m.InboxId == world.Connection.InboxId)));
        Assert.Equal(0, await world.App.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM webhook_events").SingleAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_batch_is_stored_whole_once_and_the_bot_answers_each_customer_with_quick_replies(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        var body = world.Body(
            world.Text("psid-ann", "mid.ann.1", "Bonjour"),
            world.Text("psid-bob", "mid.bob.1", "Hello"),
            world.Text("psid-ann", "mid.ann.2", "mon colis est bloqué"));

        var first = await world.PostAsync(body);
        var retried = await world.PostAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("EVENT_RECEIVED", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var ann = await world.ConversationOfAsync("psid-ann");
        Assert.Equal(["Bonjour", "mon colis est bloqué"], (await world.MessagesAsync(ann.Id)).Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.Text));
        Assert.Equal(3, await world.App.DbAsync(db => db.Messages.CountAsync(m => m.InboxId == world.Connection.InboxId && m.AuthorKind == AuthorKind.Customer)));

        // The account's website bot greets on Messenger too, its topics as quick replies, to each customer.
        await world.UntilSentAsync(2, "the greetings");
        var greeting = world.Sent.First(s => s.GetProperty("recipient").GetProperty("id").GetString() == "psid-bob");
        Assert.Equal("RESPONSE", greeting.GetProperty("messaging_type").GetString());
        var message = greeting.GetProperty("message");
        Assert.StartsWith("Hello! I'm the La Posta virtual assistant.", message.GetProperty("text").GetString());
        Assert.Equal(["Parcels", "Bank", "Mobile"], message.GetProperty("quick_replies").EnumerateArray().Select(q => q.GetProperty("title").GetString()));
        Assert.Equal(["parcels", "bank", "mobile"], message.GetProperty("quick_replies").EnumerateArray().Select(q => q.GetProperty("payload").GetString()));
        Assert.StartsWith("parley:", message.GetProperty("metadata").GetString());
        Assert.Equal("Bearer " + TestConnections.AccessToken, world.Graph.To("/messages")[0].Headers["Authorization"]);
        Assert.Equal($"/v23.0/{world.PageId}/messages", world.Graph.To("/messages")[0].Path);
    }

    [Fact]
    public async Task A_quick_reply_pick_goes_to_its_topics_queue_and_an_advisors_reply_arrives_signed()
    {
        await using var world = await MetaWorld.StartAsync();
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await world.UntilSentAsync(1, "the greeting");

        Assert.Equal(HttpStatusCode.OK, (await world.PostAsync(world.Body(world.QuickReply("psid-ann", "mid.2", "Bank", "bank")))).StatusCode);

        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("psid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        Assert.Equal("Bank", await world.App.DbAsync(db => db.Queues.Where(q => q.Id == conversation.QueueId).Select(q => q.Name).FirstAsync()));
        var marie = await world.App.AdvisorAsync("luca@parley.local");
        Assert.True((await world.App.Service<ConversationActions>().ReplyAsync(marie, conversation.Id, "Your card is on its way.", CancellationToken.None)).Ok);

        await Expect.UntilAsync(() => Task.FromResult(world.Sent.Any(s => s.GetProperty("message").GetProperty("text").GetString()!.Contains("card", StringComparison.Ordinal))), "the reply");
        var reply = world.Sent.Last(s => s.GetProperty("message").GetProperty("text").GetString()!.Contains("card", StringComparison.Ordinal));
        Assert.Equal("Your card is on its way.\n\n— Luca", reply.GetProperty("message").GetProperty("text").GetString());
        await Expect.UntilAsync(async () => (await world.MessagesAsync(conversation.Id)).Last().DeliveryStatus == DeliveryStatus.Sent, "the reply marked sent");
        Assert.StartsWith("m_sent_", (await world.MessagesAsync(conversation.Id)).Last().ChannelMessageId);
    }

    [Fact]
    public async Task Receipts_move_messages_forward_and_echoes_are_never_sent_again()
    {
        await using var world = await MetaWorld.StartAsync();
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await world.UntilSentAsync(1, "the greeting");
        var conversation = await world.ConversationOfAsync("psid-ann");
        var greeting = await Expect.ResultAsync(async () => (await world.MessagesAsync(conversation.Id)).FirstOrDefault(m => m.AuthorKind == AuthorKind.Bot && m.ChannelMessageId != null), "the greeting sent");

        // Parley's own echo (its metadata) is known; another tool's message is shown as sent by the brand.
        var ownEcho = world.Event("psid-ann", new JsonObject
        {
            ["message"] = new JsonObject { ["mid"] = greeting.ChannelMessageId, ["is_echo"] = true, ["text"] = greeting.Text, ["metadata"] = $"parley:{greeting.Id}" },
        }, fromPage: true);
        var otherTool = world.Event("psid-ann", new JsonObject
        {
            ["message"] = new JsonObject { ["mid"] = "mid.inbox.7", ["is_echo"] = true, ["text"] = "Sent from the Meta Business Suite", ["app_id"] = 263902037430900 },
        }, fromPage: true);
        Assert.Equal(HttpStatusCode.OK, (await world.PostAsync(world.Body(ownEcho, otherTool))).StatusCode);
        await world.PostAsync(world.Body(otherTool));

        var delivered = world.Event("psid-ann", new JsonObject { ["delivery"] = new JsonObject { ["mids"] = new JsonArray(greeting.ChannelMessageId), ["watermark"] = world.Now } });
        await world.PostAsync(world.Body(delivered));
        Assert.Equal(DeliveryStatus.Delivered, (await world.MessagesAsync(conversation.Id)).Single(m => m.Id == greeting.Id).DeliveryStatus);
        await world.PostAsync(world.Body(world.Event("psid-ann", new JsonObject { ["read"] = new JsonObject { ["watermark"] = world.Now } })));
        await world.PostAsync(world.Body(delivered));

        var messages = await world.MessagesAsync(conversation.Id);
        Assert.Equal(DeliveryStatus.Read, messages.Single(m => m.Id == greeting.Id).DeliveryStatus);
        var brand = Assert.Single(messages, m => m.ChannelMessageId == "mid.inbox.7");
        Assert.Equal((AuthorKind.Advisor, "Sent outside Parley", DeliveryStatus.Read), (brand.AuthorKind, brand.AuthorName, brand.DeliveryStatus));
        await Task.Delay(300);
        Assert.Single(world.Sent);
        Assert.False(await world.App.DbAsync(db => db.Deliveries.AnyAsync(d => d.MessageId == brand.Id)));
    }

    [Fact]
    public async Task Attachments_stickers_locations_and_referrals_are_kept_as_what_they_are()
    {
        await using var world = await MetaWorld.StartAsync();
        var withMedia = world.Event("psid-ann", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["mid"] = "mid.media.1",
                ["attachments"] = new JsonArray(
                    new JsonObject { ["type"] = "image", ["payload"] = new JsonObject { ["url"] = "https://scontent.example/photo.jpg" } },
                    new JsonObject { ["type"] = "image", ["payload"] = new JsonObject { ["url"] = "https://scontent.example/like.png", ["sticker_id"] = 369239263222822 } },
                    new JsonObject { ["type"] = "location", ["payload"] = new JsonObject { ["coordinates"] = new JsonObject { ["lat"] = 45.46, ["long"] = 9.19 } } }),
            },
            ["referral"] = new JsonObject { ["ref"] = "parcel-campaign", ["source"] = "ADS", ["type"] = "OPEN_THREAD", ["ad_id"] = "6045246247433" },
        });

        Assert.Equal(HttpStatusCode.OK, (await world.PostAsync(world.Body(withMedia))).StatusCode);

        var conversation = await world.ConversationOfAsync("psid-ann");
        Assert.Contains("parcel-campaign", conversation.EntryPoint, StringComparison.Ordinal);
        var message = (await world.MessagesAsync(conversation.Id)).Single(m => m.AuthorKind == AuthorKind.Customer);
        Assert.Equal(ContentType.Media, message.ContentType);
        var media = MessagePayload.Parse(message.PayloadJson)!.Media!;
        Assert.Equal([MediaKind.Image, MediaKind.Sticker, MediaKind.Location], media.Select(m => m.Kind));
        Assert.Equal((45.46, 9.19), (media[2].Latitude, media[2].Longitude));
        Assert.Equal("https://scontent.example/photo.jpg", media[0].Url);
    }

    [Fact]
    public async Task The_customers_name_and_picture_come_from_their_graph_profile()
    {
        await using var world = await MetaWorld.StartAsync();
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));

        var contact = await Expect.ResultAsync(() => world.App.DbAsync(db => db.ContactIdentities.Where(i => i.ExternalId == "psid-ann")
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => c).FirstOrDefaultAsync(c => c.Name != null)), "the profile read");
        Assert.Equal(("Ann Lee", "https://cdn.example/ann.jpg"), (contact.Name, contact.AvatarUrl));
        var asked = Assert.Single(world.Graph.Requests, r => r.Method == "GET");
        Assert.Equal("/v23.0/psid-ann", asked.Path);
        Assert.Contains("fields=first_name,last_name,profile_pic", asked.Query, StringComparison.Ordinal);
    }
}
