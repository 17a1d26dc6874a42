using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>The simulated Graph and X APIs answer Parley's connectors in the platforms' documented formats.</summary>
public sealed class SimulatedApiTests
{
    private const string Page = "100200300400500";
    private const string PhoneNumber = "106540352242922";

    [Fact]
    public async Task Messenger_sends_are_answered_as_the_Send_API_does_and_shown_in_the_chat_with_their_quick_replies()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger)).AccessToken!;
        var psid = await sim.NewCustomerAsync("messenger");

        var response = await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", token, new
        {
            recipient = new { id = psid },
            messaging_type = "RESPONSE",
            message = new
            {
                text = "What is your question about?",
                quick_replies = new[] { new { content_type = "text", title = "Parcels", payload = "parcels" }, new { content_type = "text", title = "Bank", payload = "bank" } },
            },
        });

        await Expect.StatusAsync(response, HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(psid, answer.GetProperty("recipient_id").GetString());
        var mid = answer.GetProperty("message_id").GetString()!;
        Assert.StartsWith("m_", mid, StringComparison.Ordinal);
        var shown = Assert.Single(await sim.BrandMessagesAsync("messenger", psid));
        Assert.Equal((mid, "What is your question about?", "quickReplies"), (shown.GetProperty("id").GetString(), shown.GetProperty("text").GetString(), shown.GetProperty("style").GetString()));
        Assert.Equal(["parcels", "bank"], shown.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var typing = await PostAsync(client, $"/simulator/graph/v23.0/me/messages", token, new { recipient = new { id = psid }, sender_action = "typing_on" });
        await Expect.StatusAsync(typing, HttpStatusCode.OK);
        Assert.True((await sim.ChatAsync("messenger", psid)).GetProperty("typing").GetBoolean());
    }

    [Fact]
    public async Task A_graph_batch_runs_its_sends_in_order_and_a_call_after_a_refused_one_is_not_run()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger)).AccessToken!;
        var psid = await sim.NewCustomerAsync("messenger");
        string Send(string text, bool typed = true) =>
            $"recipient={Uri.EscapeDataString($"{{\"id\":\"{psid}\"}}")}{(typed ? "&messaging_type=RESPONSE" : "")}&message={Uri.EscapeDataString($"{{\"text\":\"{text}\"}}")}";
        object[] Chain(params string[] bodies) => [.. bodies.Select((body, i) => i == 0
            ? (object)new { method = "POST", relative_url = $"{Page}/messages", name = $"c{i}", body }
            : new { method = "POST", relative_url = $"{Page}/messages", name = $"c{i}", depends_on = $"c{i - 1}", body })];

        var whole = await BatchAsync(client, token, Chain(Send("First"), Send("Second"), Send("Third")));
        Assert.All(whole, a => Assert.Equal(200, a.GetProperty("code").GetInt32()));
        Assert.Equal(["First", "Second", "Third"], (await sim.BrandMessagesAsync("messenger", psid)).Select(m => m.GetProperty("text").GetString()));
        var ids = whole.Select(a => JsonDocument.Parse(a.GetProperty("body").GetString()!).RootElement.GetProperty("message_id").GetString()).ToList();
        Assert.Equal(3, ids.Distinct().Count());

        var broken = await BatchAsync(client, token, Chain(Send("Fourth"), Send("Untyped", typed: false), Send("Never")));
        Assert.Equal(200, broken[0].GetProperty("code").GetInt32());
        Assert.Equal(100, JsonDocument.Parse(broken[1].GetProperty("body").GetString()!).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, broken[2].ValueKind);
        Assert.Equal(["First", "Second", "Third", "Fourth"], (await sim.BrandMessagesAsync("messenger", psid)).Select(m => m.GetProperty("text").GetString()));

        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/simulator/graph/v23.0/")
        {
            Content = new FormUrlEncodedContent([new("batch", JsonSerializer.Serialize(Chain(Send("Stolen"))))]),
        };
        wrongToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        var refused = JsonSerializer.Deserialize<JsonElement[]>(await (await client.SendAsync(wrongToken)).Content.ReadAsStringAsync())!;
        Assert.Equal(401, refused[0].GetProperty("code").GetInt32());
        var noBatch = await client.PostAsync("/simulator/graph/v23.0/", new FormUrlEncodedContent([new("include_headers", "false")]));
        Assert.Equal(100, (await GraphErrorAsync(noBatch, HttpStatusCode.BadRequest)).GetProperty("code").GetInt32());
        Assert.Equal(4, (await sim.BrandMessagesAsync("messenger", psid)).Count);
    }

    private static async Task<JsonElement[]> BatchAsync(HttpClient client, string token, object[] calls)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/simulator/graph/v23.0/")
        {
            Content = new FormUrlEncodedContent([new("batch", JsonSerializer.Serialize(calls)), new("include_headers", "false")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return JsonSerializer.Deserialize<JsonElement[]>(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task A_wrong_token_or_a_malformed_send_is_refused_in_Graph_error_format_and_not_shown()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger)).AccessToken!;
        var psid = await sim.NewCustomerAsync("messenger");
        var message = new { recipient = new { id = psid }, messaging_type = "RESPONSE", message = new { text = "Hello" } };

        var wrongToken = await GraphErrorAsync(await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", "not-the-token", message), HttpStatusCode.Unauthorized);
        Assert.Equal(190, wrongToken.GetProperty("code").GetInt32());
        Assert.Equal("OAuthException", wrongToken.GetProperty("type").GetString());
        await GraphErrorAsync(await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", null, message), HttpStatusCode.Unauthorized);
        var otherConnectionsToken = (await SimulatorClient.ConnectionAsync(app, ChannelKind.WhatsApp)).AccessToken!;
        await GraphErrorAsync(await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", otherConnectionsToken, message), HttpStatusCode.Unauthorized);

        var untyped = await GraphErrorAsync(await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", token,
            new { recipient = new { id = psid }, message = new { text = "Hello" } }), HttpStatusCode.BadRequest);
        Assert.Equal(100, untyped.GetProperty("code").GetInt32());
        var tooManyChars = await GraphErrorAsync(await PostAsync(client, $"/simulator/graph/v23.0/{Page}/messages", token,
            new { recipient = new { id = psid }, messaging_type = "RESPONSE", message = new { text = "Hi", quick_replies = new[] { new { content_type = "text", title = "A title that is far too long", payload = "x" } } } }),
            HttpStatusCode.BadRequest);
        Assert.Equal(100, tooManyChars.GetProperty("code").GetInt32());
        await GraphErrorAsync(await PostAsync(client, "/simulator/graph/v23.0/999999999/messages", token, message), HttpStatusCode.BadRequest);

        Assert.Empty(await sim.BrandMessagesAsync("messenger", psid));
        var calls = (await sim.InspectorAsync()).Where(e => e.GetProperty("direction").GetString() == "api").ToList();
        Assert.Equal(6, calls.Count);
        Assert.DoesNotContain(calls, c => c.ToString().Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhatsApp_sends_are_answered_as_the_Cloud_API_does_with_lists_buttons_and_the_numbers_templates()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.WhatsApp)).AccessToken!;
        var waId = await sim.NewCustomerAsync("whatsapp", "Marco Bianchi");
        var url = $"/simulator/graph/v23.0/{PhoneNumber}/messages";

        var text = await PostAsync(client, url, token, new { messaging_product = "whatsapp", recipient_type = "individual", to = waId, type = "text", text = new { body = "Hello Marco" } });
        await Expect.StatusAsync(text, HttpStatusCode.OK);
        var answer = await text.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("whatsapp", answer.GetProperty("messaging_product").GetString());
        var contact = Assert.Single(answer.GetProperty("contacts").EnumerateArray().ToList());
        Assert.Equal((waId, waId), (contact.GetProperty("input").GetString(), contact.GetProperty("wa_id").GetString()));
        Assert.StartsWith("wamid.", Assert.Single(answer.GetProperty("messages").EnumerateArray().ToList()).GetProperty("id").GetString(), StringComparison.Ordinal);

        var list = await PostAsync(client, url, token, new
        {
            messaging_product = "whatsapp", to = waId, type = "interactive",
            interactive = new
            {
                type = "list", body = new { text = "What is your question about?" },
                action = new { button = "Topics", sections = new[] { new { title = "La Posta", rows = new[] { new { id = "parcels", title = "Parcels", description = "Track a parcel" }, new { id = "bank", title = "Bank", description = "Cards" } } } } },
            },
        });
        await Expect.StatusAsync(list, HttpStatusCode.OK);
        var buttons = await PostAsync(client, url, token, new
        {
            messaging_product = "whatsapp", to = waId, type = "interactive",
            interactive = new { type = "button", body = new { text = "Is it solved?" }, action = new { buttons = new[] { new { type = "reply", reply = new { id = "yes", title = "Yes" } } } } },
        });
        await Expect.StatusAsync(buttons, HttpStatusCode.OK);
        var template = await PostAsync(client, url, token, new
        {
            messaging_product = "whatsapp", to = waId, type = "template",
            template = new { name = "parcel_update", language = new { code = "en" }, components = new[] { new { type = "body", parameters = new[] { new { type = "text", text = "Marco" }, new { type = "text", text = "RR123" } } } } },
        });
        await Expect.StatusAsync(template, HttpStatusCode.OK);

        var shown = await sim.BrandMessagesAsync("whatsapp", waId);
        Assert.Equal(["none", "list", "replyButtons", "none"], shown.Select(m => m.GetProperty("style").GetString()));
        Assert.Equal("Topics", shown[1].GetProperty("listButton").GetString());
        Assert.Equal("Track a parcel", shown[1].GetProperty("choices")[0].GetProperty("description").GetString());
        Assert.Equal("Hello Marco, your parcel RR123 is on its way.", shown[3].GetProperty("text").GetString());

        var unknown = await GraphErrorAsync(await PostAsync(client, url, token, new
        {
            messaging_product = "whatsapp", to = waId, type = "template", template = new { name = "promo", language = new { code = "en" } },
        }), HttpStatusCode.NotFound);
        Assert.Equal(132001, unknown.GetProperty("code").GetInt32());
        var missing = await GraphErrorAsync(await PostAsync(client, url, token, new
        {
            messaging_product = "whatsapp", to = waId, type = "template", template = new { name = "parcel_update", language = new { code = "en" } },
        }), HttpStatusCode.BadRequest);
        Assert.Equal(132000, missing.GetProperty("code").GetInt32());
        await GraphErrorAsync(await PostAsync(client, url, token, new { to = waId, type = "text", text = new { body = "no product" } }), HttpStatusCode.BadRequest);
        await GraphErrorAsync(await PostAsync(client, url, "wrong", new { messaging_product = "whatsapp", to = waId, type = "text", text = new { body = "x" } }), HttpStatusCode.Unauthorized);
        Assert.Equal(4, (await sim.BrandMessagesAsync("whatsapp", waId)).Count);
    }

    [Fact]
    public async Task X_sends_are_answered_with_the_dm_event_and_a_wrong_token_with_Xs_problem()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var connection = await SimulatorClient.ConnectionAsync(app, ChannelKind.X);
        var userId = await sim.NewCustomerAsync("x", "Sara Colombo", id: "1999999999999999999");
        var url = $"/simulator/x/2/dm_conversations/with/{userId}/messages";

        var sent = await PostAsync(client, url, connection.AccessToken, new { text = "1. Parcels\n2. Bank\n3. Mobile" });
        await Expect.StatusAsync(sent, HttpStatusCode.Created);
        var data = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        // A one-to-one conversation is named by its two user ids, the smaller first.
        Assert.Equal($"{connection.ExternalId}-{userId}", data.GetProperty("dm_conversation_id").GetString());
        var eventId = data.GetProperty("dm_event_id").GetString()!;
        var shown = Assert.Single(await sim.BrandMessagesAsync("x", userId));
        Assert.Equal((eventId, "1. Parcels\n2. Bank\n3. Mobile"), (shown.GetProperty("id").GetString(), shown.GetProperty("text").GetString()));

        var refused = await PostAsync(client, url, "wrong", new { text = "Hello" });
        var problem = await Expect.ProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Equal("Unauthorized", problem.GetProperty("title").GetString());
        await Expect.StatusAsync(await PostAsync(client, url, connection.AccessToken, new { text = "" }), HttpStatusCode.BadRequest);
        Assert.Single(await sim.BrandMessagesAsync("x", userId));
    }

    [Fact]
    public async Task Messenger_profiles_are_given_to_the_pages_token_only()
    {
        await using var app = new ParleyApplication();
        var (client, sim) = Clients(app);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger)).AccessToken!;
        var psid = await sim.NewCustomerAsync("messenger", "Chiara Romano");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/simulator/graph/v23.0/{psid}?fields=first_name,last_name,profile_pic");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        var profile = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Chiara", "Romano", psid), (profile.GetProperty("first_name").GetString(), profile.GetProperty("last_name").GetString(), profile.GetProperty("id").GetString()));
        var picture = await client.GetAsync(new Uri(profile.GetProperty("profile_pic").GetString()!).PathAndQuery);
        await Expect.StatusAsync(picture, HttpStatusCode.OK);
        Assert.Equal("image/svg+xml", picture.Content.Headers.ContentType?.MediaType);

        await GraphErrorAsync(await client.GetAsync($"/simulator/graph/v23.0/{psid}?fields=first_name&access_token=wrong"), HttpStatusCode.Unauthorized);
    }

    private static (HttpClient Client, SimulatorClient Sim) Clients(ParleyApplication app)
    {
        var client = app.CreateClient();
        return (client, new SimulatorClient(client));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string? token, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client.SendAsync(request);
    }

    /// <summary>A Graph error: the status, and {"error": {"message", "type", "code", "fbtrace_id"}}; returns the error.</summary>
    private static async Task<JsonElement> GraphErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        await Expect.StatusAsync(response, status);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.True(error.GetProperty("message").GetString() is { Length: > 0 });
        Assert.True(error.TryGetProperty("fbtrace_id", out _));
        return error;
    }
}
