using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Tests.Channels.WebMessaging;
using Parley.Console;
using Parley.Conversations;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>The demo's simulated X media upload: what Parley's X connector calls before a DM that carries an advisor's file.</summary>
public sealed class SimulatedXMediaTests
{
    [Fact]
    public async Task An_advisors_picture_on_simulated_X_is_uploaded_then_shown_to_the_customer()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        var sim = new SimulatorClient(new HttpClient { BaseAddress = app.KestrelAddress });
        var userId = await sim.NewCustomerAsync("x", "Sara Colombo");
        await sim.ChatAsync("x", userId);
        await sim.SendAsync("x", userId, "Hello");
        await Expect.UntilAsync(async () => (await sim.BrandMessagesAsync("x", userId)).Count > 0, "the bot's topics on simulated X");
        await sim.SendAsync("x", userId, "1");
        long? conversationId = null;
        await Expect.UntilAsync(async () => (conversationId = await app.DbAsync(db => db.Conversations
            .Where(c => c.Channel == ChannelKind.X && c.Status == ConversationStatus.Queued).Select(c => (long?)c.Id).FirstOrDefaultAsync())) is not null, "the X conversation queued");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var before = (await sim.BrandMessagesAsync("x", userId)).Count;

        using (var file = new MemoryStream(AttachmentRulesTests.Png))
        {
            var sent = await app.Service<AdvisorUploads>().SendAsync(luca, conversationId!.Value, "receipt.png", file, CancellationToken.None);
            Assert.True(sent.Ok, sent.Error);
        }

        var pictures = new List<JsonElement>();
        await Expect.UntilAsync(async () => (pictures = (await sim.BrandMessagesAsync("x", userId)).Skip(before)
            .Where(m => m.TryGetProperty("mediaUrl", out var url) && url.ValueKind == JsonValueKind.String).ToList()).Count > 0, "the picture in the simulator");
        var shown = Assert.Single(pictures);
        Assert.Equal("image", shown.GetProperty("mediaKind").GetString());
        var url = shown.GetProperty("mediaUrl").GetString()!;
        Assert.Matches("^/simulator/x/media/[0-9]+$", url);
        var picture = await sim.Http.GetAsync(url);
        await Expect.StatusAsync(picture, HttpStatusCode.OK);
        Assert.Equal("image/png", picture.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AttachmentRulesTests.Png, await picture.Content.ReadAsByteArrayAsync());
        Assert.Contains((await sim.InspectorAsync()).Select(e => e.GetProperty("path").GetString()), p => p == "/simulator/x/2/media/upload");
    }

    [Fact]
    public async Task A_chunked_upload_is_joined_in_order_and_a_dm_naming_no_upload_is_refused()
    {
        await using var app = new ParleyApplication();
        var client = app.CreateClient();
        var sim = new SimulatorClient(client);
        var token = (await SimulatorClient.ConnectionAsync(app, ChannelKind.X)).AccessToken!;
        var userId = await sim.NewCustomerAsync("x", "Sara Colombo");

        var init = await SendAsync(client, HttpMethod.Post, "/simulator/x/2/media/upload/initialize", token,
            JsonContent.Create(new { media_type = "image/gif", total_bytes = 6, media_category = "dm_gif" }));
        var id = (await init.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("id").GetString()!;
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, $"/simulator/x/2/media/upload/{id}/append", token, Chunk(1, [4, 5, 6])), HttpStatusCode.BadRequest);
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, $"/simulator/x/2/media/upload/{id}/append", token, Chunk(0, [1, 2, 3])), HttpStatusCode.OK);
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, $"/simulator/x/2/media/upload/{id}/append", token, Chunk(1, [4, 5, 6])), HttpStatusCode.OK);
        var dm = $"/simulator/x/2/dm_conversations/with/{userId}/messages";
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, dm, token, JsonContent.Create(new { attachments = new[] { new { media_id = id } } })), HttpStatusCode.BadRequest);
        var finalized = await SendAsync(client, HttpMethod.Post, $"/simulator/x/2/media/upload/{id}/finalize", token, null);
        Assert.Equal("succeeded", (await finalized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("processing_info").GetProperty("state").GetString());
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Get, $"/simulator/x/2/media/upload?command=STATUS&media_id={id}", token, null), HttpStatusCode.OK);

        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, dm, token, JsonContent.Create(new { attachments = new[] { new { media_id = "42" } } })), HttpStatusCode.BadRequest);
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, dm, token, JsonContent.Create(new { attachments = new[] { new { media_id = id } } })), HttpStatusCode.Created);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, await client.GetByteArrayAsync($"/simulator/x/media/{id}"));
        Assert.Single(await sim.BrandMessagesAsync("x", userId));
        await Expect.StatusAsync(await SendAsync(client, HttpMethod.Post, "/simulator/x/2/media/upload/initialize", "wrong",
            JsonContent.Create(new { media_type = "image/gif", total_bytes = 6, media_category = "dm_gif" })), HttpStatusCode.Unauthorized);
    }

    private static MultipartFormDataContent Chunk(int segment, byte[] data) => new()
    {
        { new StringContent(segment.ToString(System.Globalization.CultureInfo.InvariantCulture)), "segment_index" },
        { new ByteArrayContent(data), "media", "chunk" },
    };

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string token, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
