using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Channels.WhatsApp.WhatsAppPayloads;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppWebhookTests
{
    [Fact]
    public async Task Meta_verifies_the_endpoint_with_the_connections_verify_token()
    {
        await using var host = await WhatsAppTestHost.StartAsync();

        var right = await host.Client.GetAsync($"{WhatsAppTestHost.Path}?hub.mode=subscribe&hub.verify_token={TestConnections.VerifyToken}&hub.challenge=1158201444");
        await Expect.StatusAsync(right, HttpStatusCode.OK);
        Assert.Equal("1158201444", await right.Content.ReadAsStringAsync());

        var wrong = await host.Client.GetAsync($"{WhatsAppTestHost.Path}?hub.mode=subscribe&hub.verify_token=guessed&hub.challenge=1158201444");
        await Expect.ProblemAsync(wrong, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unsigned_badly_signed_malformed_and_unknown_webhooks_are_refused_and_store_nothing()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var body = CustomerText("393331234567", "wamid.refused-1", "Hello");

        var unsigned = new HttpRequestMessage(HttpMethod.Post, WhatsAppTestHost.Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        await Expect.ProblemAsync(await host.Client.SendAsync(unsigned), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await TestConnections.PostSignedAsync(host.Client, WhatsAppTestHost.Path, body, secret: "another-app"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await host.PostAsync("{\"object\": \"whatsapp_business_account\", \"entry\": [ {"), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await host.PostAsync(body.Replace("whatsapp_business_account", "page", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await host.PostAsync(Webhook(Entry(Change(Messages([("393331234567", "Anna")], Text("393331234567", "", "no id")))))),
            HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await host.PostAsync(body.Replace(WhatsAppTestHost.PhoneNumberId, "999999999999999", StringComparison.Ordinal)),
            HttpStatusCode.NotFound);

        Assert.Empty(await host.MessagesAsync());
        Assert.False(await host.App.DbAsync(db => db.ContactIdentities.AnyAsync(i => i.InboxId == host.Connection.InboxId)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_batch_is_stored_whole_and_a_retried_webhook_stores_each_message_once(DatabaseProvider provider)
    {
        await using var host = await WhatsAppTestHost.StartAsync(provider);
        var body = Webhook(
            Entry(
                Change(Messages([("393331234567", "Anna Rossi"), ("393470000001", "Luca Bianchi")],
                    Text("393331234567", "wamid.batch-1", "My parcel is late"),
                    Text("393470000001", "wamid.batch-2", "Card blocked"),
                    Text("393331234567", "wamid.batch-3", "Tracking 123"))),
                Change(new JsonObject { ["statuses"] = new JsonArray() })),
            Entry(Change(Messages([("447700900123", "Sam Jones")],
                Text("447700900123", "wamid.batch-4", "Hi"),
                Text("447700900123", "wamid.batch-5", "Anyone?")))));

        await host.PostOkAsync(body);
        await host.PostOkAsync(body);

        var customer = (await host.MessagesAsync()).Where(m => m.AuthorKind == AuthorKind.Customer).ToList();
        Assert.Equal(["wamid.batch-1", "wamid.batch-2", "wamid.batch-3", "wamid.batch-4", "wamid.batch-5"], customer.Select(m => m.ChannelMessageId).Order());
        Assert.Equal(["My parcel is late", "Tracking 123"], customer.Where(m => m.AuthorName == "Anna Rossi").Select(m => m.Text));
        Assert.Equal(3, customer.Select(m => m.ConversationId).Distinct().Count());
    }

    [Fact]
    public async Task The_contacts_name_and_phone_come_from_the_webhooks_contacts()
    {
        await using var host = await WhatsAppTestHost.StartAsync();

        await host.PostOkAsync(CustomerText("393331234567", "wamid.contact-1", "Hello", name: "Anna Rossi"));
        await host.PostOkAsync(Webhook(Entry(Change(Messages([], Text("393331234567", "wamid.contact-2", "No profile this time"))))));

        var contact = await host.App.DbAsync(db => db.ContactIdentities.Where(i => i.InboxId == host.Connection.InboxId && i.ExternalId == "393331234567")
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => c).SingleAsync());
        Assert.Equal(("Anna Rossi", "+393331234567"), (contact.Name, contact.Phone));
    }

    [Fact]
    public async Task Media_locations_contacts_and_unknown_types_are_stored_as_what_they_are()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        const string from = "393331234567";
        await host.PostOkAsync(Webhook(Entry(Change(Messages([(from, "Anna Rossi")],
            Message(from, "wamid.m-1", "image", new JsonObject { ["id"] = "1479537139650973", ["mime_type"] = "image/jpeg", ["sha256"] = "abc", ["caption"] = "The box" }),
            Message(from, "wamid.m-2", "document", new JsonObject { ["id"] = "1003383421387256", ["mime_type"] = "application/pdf", ["filename"] = "receipt.pdf" }),
            Message(from, "wamid.m-3", "location", new JsonObject { ["latitude"] = 45.4642, ["longitude"] = 9.19, ["name"] = "Post office", ["address"] = "Via Roma 1" }),
            Message(from, "wamid.m-4", "poll_update", new JsonObject { ["x"] = 1 }))))));

        var stored = (await host.MessagesAsync()).Where(m => m.AuthorKind == AuthorKind.Customer).ToDictionary(m => m.ChannelMessageId!);
        var image = stored["wamid.m-1"];
        Assert.Equal((ContentType.Media, "The box"), (image.ContentType, image.Text));
        Assert.Equal(new ChannelMedia(MediaKind.Image, MediaId: "1479537139650973", MimeType: "image/jpeg"), Assert.Single(MessagePayload.Parse(image.PayloadJson)!.Media!));
        Assert.Equal(new ChannelMedia(MediaKind.File, MediaId: "1003383421387256", Name: "receipt.pdf", MimeType: "application/pdf"),
            Assert.Single(MessagePayload.Parse(stored["wamid.m-2"].PayloadJson)!.Media!));
        var location = Assert.Single(MessagePayload.Parse(stored["wamid.m-3"].PayloadJson)!.Media!);
        Assert.Equal((MediaKind.Location, 45.4642, 9.19, "Post office"), (location.Kind, location.Latitude, location.Longitude, location.Name));
        Assert.Equal("Post office, Via Roma 1", stored["wamid.m-3"].Text);
        Assert.Equal("(A WhatsApp message of type 'poll_update' that Parley cannot show)", stored["wamid.m-4"].Text);
    }

    [Fact]
    public async Task A_click_to_whatsapp_ad_is_the_conversations_entry_point()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var message = Text("393331234567", "wamid.ad-1", "I saw your ad");
        message["referral"] = new JsonObject
        {
            ["source_url"] = "https://fb.me/3cr4Wqqkv", ["source_id"] = "120226305854810726", ["source_type"] = "ad",
            ["headline"] = "Send parcels abroad", ["body"] = "From 9 euros", ["media_type"] = "image", ["ctwa_clid"] = "Aff-n8ZTODiE79d22KtAw",
        };

        await host.PostOkAsync(Webhook(Entry(Change(Messages([("393331234567", "Anna Rossi")], message)))));

        var entry = JsonNode.Parse((await host.ConversationOfAsync("393331234567")).EntryPoint!)!;
        Assert.Equal(("whatsapp", "ad", "120226305854810726", "Aff-n8ZTODiE79d22KtAw"),
            ((string?)entry["channel"], (string?)entry["source_type"], (string?)entry["source_id"], (string?)entry["ctwa_clid"]));
    }

    [Fact]
    public async Task Other_fields_and_errors_are_acknowledged_and_change_nothing()
    {
        await using var host = await WhatsAppTestHost.StartAsync();
        var errors = new JsonObject { ["errors"] = StatusError(130429, "Rate limit hit", "Too many messages sent from this phone number") };

        await host.PostOkAsync(Webhook(Entry(
            Change(new JsonObject { ["event"] = "APPROVED", ["message_template_name"] = "parcel_update" }, field: "message_template_status_update"),
            Change(errors))));

        Assert.Empty(await host.MessagesAsync());
    }
}
