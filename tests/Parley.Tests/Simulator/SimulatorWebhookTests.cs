using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Channels;
using Parley.Channels.Webhooks;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>
/// The webhooks the simulator posts, caught by a stand-in in Parley's place (Simulator:ParleyUrl): signed with the
/// connection's app secret over the exact bytes, in each platform's documented format.
/// </summary>
public sealed class SimulatorWebhookTests
{
    [Theory]
    [InlineData("messenger", ChannelKind.Messenger)]
    [InlineData("instagram", ChannelKind.Instagram)]
    [InlineData("whatsapp", ChannelKind.WhatsApp)]
    [InlineData("x", ChannelKind.X)]
    public async Task A_customers_message_is_a_signed_webhook_in_the_platforms_format(string network, ChannelKind kind)
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = Simulator(parley);
        var sim = new SimulatorClient(app.CreateClient());
        var connection = await SimulatorClient.ConnectionAsync(app, kind);
        var id = await sim.NewCustomerAsync(network, "Giulia Rossi");

        var sent = await sim.SendAsync(network, id, "Where is my parcel? <b>RR123</b>");

        Assert.Equal(200, sent.GetProperty("webhookStatus").GetInt32());
        var webhook = Assert.Single(parley.Requests);
        Assert.Equal(("POST", "/webhooks/" + network), (webhook.Method, webhook.Path));
        var bytes = Encoding.UTF8.GetBytes(webhook.Body);
        Assert.True(kind == ChannelKind.X
            ? WebhookSignature.IsValidBase64(connection.AppSecret!, bytes, webhook.Headers["x-twitter-webhooks-signature"])
            : WebhookSignature.IsValidHex(connection.AppSecret!, bytes, webhook.Headers["X-Hub-Signature-256"]), "signed with the app secret");
        Assert.False(WebhookSignature.IsValidHex("another-secret", bytes, webhook.Headers.GetValueOrDefault("X-Hub-Signature-256")));

        var body = webhook.Json;
        var mid = sent.GetProperty("message").GetProperty("id").GetString();
        switch (kind)
        {
            case ChannelKind.Messenger or ChannelKind.Instagram:
                Assert.Equal(kind == ChannelKind.Messenger ? "page" : "instagram", body.GetProperty("object").GetString());
                var entry = body.GetProperty("entry")[0];
                Assert.Equal(connection.ExternalId, entry.GetProperty("id").GetString());
                var messaging = entry.GetProperty("messaging")[0];
                Assert.Equal((id, connection.ExternalId), (messaging.GetProperty("sender").GetProperty("id").GetString(), messaging.GetProperty("recipient").GetProperty("id").GetString()));
                Assert.Equal(JsonValueKind.Number, messaging.GetProperty("timestamp").ValueKind);
                Assert.Equal((mid, "Where is my parcel? <b>RR123</b>"), (messaging.GetProperty("message").GetProperty("mid").GetString(), messaging.GetProperty("message").GetProperty("text").GetString()));
                break;
            case ChannelKind.WhatsApp:
                Assert.Equal("whatsapp_business_account", body.GetProperty("object").GetString());
                var change = body.GetProperty("entry")[0].GetProperty("changes")[0];
                Assert.Equal("messages", change.GetProperty("field").GetString());
                var value = change.GetProperty("value");
                Assert.Equal("whatsapp", value.GetProperty("messaging_product").GetString());
                Assert.Equal(connection.ExternalId, value.GetProperty("metadata").GetProperty("phone_number_id").GetString());
                Assert.Equal(("Giulia Rossi", id), (value.GetProperty("contacts")[0].GetProperty("profile").GetProperty("name").GetString(), value.GetProperty("contacts")[0].GetProperty("wa_id").GetString()));
                var message = value.GetProperty("messages")[0];
                Assert.Equal((id, mid, "text", "Where is my parcel? <b>RR123</b>"),
                    (message.GetProperty("from").GetString(), message.GetProperty("id").GetString(), message.GetProperty("type").GetString(), message.GetProperty("text").GetProperty("body").GetString()));
                Assert.Equal(JsonValueKind.String, message.GetProperty("timestamp").ValueKind);
                break;
            default:
                Assert.Equal(connection.ExternalId, body.GetProperty("for_user_id").GetString());
                var dm = body.GetProperty("direct_message_events")[0];
                Assert.Equal(("message_create", mid), (dm.GetProperty("type").GetString(), dm.GetProperty("id").GetString()));
                var create = dm.GetProperty("message_create");
                Assert.Equal((id, connection.ExternalId, "Where is my parcel? <b>RR123</b>"),
                    (create.GetProperty("sender_id").GetString(), create.GetProperty("target").GetProperty("recipient_id").GetString(), create.GetProperty("message_data").GetProperty("text").GetString()));
                Assert.Equal("Giulia Rossi", body.GetProperty("users").GetProperty(id).GetProperty("name").GetString());
                break;
        }

        var logged = Assert.Single(await sim.InspectorAsync());
        Assert.Equal(("webhook", 200, webhook.Body), (logged.GetProperty("direction").GetString(), logged.GetProperty("status").GetInt32(), logged.GetProperty("request").GetString()));
    }

    [Fact]
    public async Task Picking_a_quick_reply_sends_its_payload_and_Parleys_refusal_is_shown()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        parley.Respond = r => new StandInResponse(401, "{\"title\":\"Bad signature\"}");
        await using var app = Simulator(parley);
        var client = app.CreateClient();
        var sim = new SimulatorClient(client);
        var connection = await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger);
        var psid = await sim.NewCustomerAsync("messenger");
        var mid = await GraphSendAsync(client, $"/simulator/graph/v23.0/{connection.ExternalId}/messages", connection.AccessToken!, new
        {
            recipient = new { id = psid }, messaging_type = "RESPONSE",
            message = new { text = "About?", quick_replies = new[] { new { content_type = "text", title = "Parcels", payload = "parcels" } } },
        });

        var picked = await sim.ChooseAsync("messenger", psid, mid, "parcels");

        Assert.Equal(401, picked.GetProperty("webhookStatus").GetInt32());
        Assert.Equal("failed", picked.GetProperty("message").GetProperty("status").GetString());
        var message = parley.To("/webhooks/messenger").Single().Json.GetProperty("entry")[0].GetProperty("messaging")[0].GetProperty("message");
        Assert.Equal(("Parcels", "parcels"), (message.GetProperty("text").GetString(), message.GetProperty("quick_reply").GetProperty("payload").GetString()));
        var again = await client.PostAsJsonAsync($"/simulator/api/customers/messenger/{psid}/choices", new { messageId = mid, choiceId = "parcels" });
        await Expect.ProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Picking_a_WhatsApp_list_row_sends_a_list_reply_in_the_context_of_the_list()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = Simulator(parley);
        var client = app.CreateClient();
        var sim = new SimulatorClient(client);
        var connection = await SimulatorClient.ConnectionAsync(app, ChannelKind.WhatsApp);
        var waId = await sim.NewCustomerAsync("whatsapp");
        var listId = await GraphSendAsync(client, $"/simulator/graph/v23.0/{connection.ExternalId}/messages", connection.AccessToken!, new
        {
            messaging_product = "whatsapp", to = waId, type = "interactive",
            interactive = new { type = "list", body = new { text = "About?" }, action = new { button = "Topics", sections = new[] { new { title = "Topics", rows = new[] { new { id = "bank", title = "Bank", description = "Cards" } } } } } },
        });

        await sim.ChooseAsync("whatsapp", waId, listId, "bank");

        var message = parley.To("/webhooks/whatsapp").Select(r => r.Json.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value"))
            .Single(v => v.TryGetProperty("messages", out _)).GetProperty("messages")[0];
        Assert.Equal(("interactive", "list_reply", listId), (message.GetProperty("type").GetString(), message.GetProperty("interactive").GetProperty("type").GetString(), message.GetProperty("context").GetProperty("id").GetString()));
        var reply = message.GetProperty("interactive").GetProperty("list_reply");
        Assert.Equal(("bank", "Bank", "Cards"), (reply.GetProperty("id").GetString(), reply.GetProperty("title").GetString(), reply.GetProperty("description").GetString()));
    }

    [Fact]
    public async Task While_the_customer_looks_at_the_chat_the_brands_messages_are_reported_delivered_and_read()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = Simulator(parley);
        var client = app.CreateClient();
        var sim = new SimulatorClient(client);
        var messenger = await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger);
        var whatsApp = await SimulatorClient.ConnectionAsync(app, ChannelKind.WhatsApp);
        var psid = await sim.NewCustomerAsync("messenger");
        var waId = await sim.NewCustomerAsync("whatsapp");
        await sim.ChatAsync("messenger", psid);
        await sim.ChatAsync("whatsapp", waId);

        var mid = await GraphSendAsync(client, $"/simulator/graph/v23.0/{messenger.ExternalId}/messages", messenger.AccessToken!,
            new { recipient = new { id = psid }, messaging_type = "RESPONSE", message = new { text = "Hello" } });
        var wamid = await GraphSendAsync(client, $"/simulator/graph/v23.0/{whatsApp.ExternalId}/messages", whatsApp.AccessToken!,
            new { messaging_product = "whatsapp", to = waId, type = "text", text = new { body = "Hello" } });

        await Expect.UntilAsync(() => Task.FromResult(parley.Requests.Count >= 5), "the receipts");
        var events = parley.To("/webhooks/messenger").Select(r => r.Json.GetProperty("entry")[0].GetProperty("messaging")[0]).ToList();
        Assert.Equal(mid, events[0].GetProperty("delivery").GetProperty("mids")[0].GetString());
        Assert.Equal(JsonValueKind.Number, events[1].GetProperty("read").GetProperty("watermark").ValueKind);
        var statuses = parley.To("/webhooks/whatsapp").Select(r => r.Json.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value").GetProperty("statuses")[0]).ToList();
        Assert.Equal(["sent", "delivered", "read"], statuses.Select(s => s.GetProperty("status").GetString()));
        Assert.All(statuses, s => Assert.Equal((wamid, waId), (s.GetProperty("id").GetString(), s.GetProperty("recipient_id").GetString())));
        Assert.All(parley.Requests, r => Assert.True(WebhookSignature.IsValidHex(r.Path.Contains("whatsapp", StringComparison.Ordinal) ? whatsApp.AppSecret! : messenger.AppSecret!,
            Encoding.UTF8.GetBytes(r.Body), r.Headers["X-Hub-Signature-256"])));
        Assert.Equal("read", Assert.Single(await sim.BrandMessagesAsync("whatsapp", waId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_customer_who_is_not_looking_reads_the_waiting_messages_when_the_chat_is_opened()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = Simulator(parley);
        var client = app.CreateClient();
        var sim = new SimulatorClient(client);
        var messenger = await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger);
        var psid = await sim.NewCustomerAsync("messenger");

        var mid = await GraphSendAsync(client, $"/simulator/graph/v23.0/{messenger.ExternalId}/messages", messenger.AccessToken!,
            new { recipient = new { id = psid }, messaging_type = "RESPONSE", message = new { text = "Hello" } });
        await Task.Delay(500);

        Assert.Empty(parley.Requests);
        Assert.Equal(1, (await sim.ChatAsync("messenger", psid)).GetProperty("customer").GetProperty("unread").GetInt32());
        await Expect.UntilAsync(() => Task.FromResult(parley.Requests.Count >= 2), "the delivery and read events");
        var events = parley.To("/webhooks/messenger").Select(r => r.Json.GetProperty("entry")[0].GetProperty("messaging")[0]).ToList();
        Assert.Equal(mid, events[0].GetProperty("delivery").GetProperty("mids")[0].GetString());
        Assert.True(events[1].TryGetProperty("read", out _));
    }

    /// <summary>A Parley whose simulator posts its webhooks to the stand-in, with receipts 50 ms after a send.</summary>
    internal static ParleyApplication Simulator(PlatformStandIn parley) =>
        new() { Settings = { ["Simulator:ParleyUrl"] = parley.BaseUrl.ToString(), ["Simulator:ReceiptDelay"] = "00:00:00.050" } };

    private static async Task<string> GraphSendAsync(HttpClient client, string url, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.TryGetProperty("message_id", out var mid) ? mid.GetString()! : answer.GetProperty("messages")[0].GetProperty("id").GetString()!;
    }
}
