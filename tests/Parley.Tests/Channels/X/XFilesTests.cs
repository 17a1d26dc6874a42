using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Channels.Media;
using Parley.Tests.Channels.WebMessaging;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

/// <summary>An advisor's file on X: uploaded to X at send time, then sent as a DM that names the media id X gave.</summary>
public sealed class XFilesTests
{
    private static readonly byte[] Gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B];

    [Theory, OnSqlite, OnPostgres]
    public async Task An_image_is_uploaded_as_a_dm_image_then_sent_in_a_dm_by_its_media_id(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var (conversationId, luca) = await QueuedAsync(x);

        Assert.Null(x.App.Service<AdvisorUploads>().Refusal(ChannelKind.X, isPublic: false));
        var sent = await SendAsync(x, luca, conversationId, "receipt.png", AttachmentRulesTests.Png);
        Assert.True(sent.Ok, sent.Error);
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 3), "the file's DM sent");

        var upload = Assert.Single(x.Uploads);
        Assert.Equal(("POST", XChannel.UploadPath, "Bearer " + TestConnections.AccessToken), (upload.Method, upload.Path, upload.Headers["Authorization"]));
        Assert.StartsWith("multipart/form-data", upload.Headers["Content-Type"], StringComparison.Ordinal);
        var form = await XChannel.FormAsync(upload);
        Assert.Equal(("receipt.png", "image/png"), (form["media"].FileName, form["media"].Type));
        Assert.Equal(AttachmentRulesTests.Png, form["media"].Data);
        Assert.Equal("dm_image", Text(form["media_category"].Data));
        Assert.Equal("image/png", Text(form["media_type"].Data));

        var dm = x.Sent[^1];
        Assert.Equal($"/2/dm_conversations/with/{XPayloads.Customer}/messages", dm.Path);
        Assert.Equal("1880028106020500001", Assert.Single(dm.Json.GetProperty("attachments").EnumerateArray()).GetProperty("media_id").GetString());
        Assert.False(dm.Json.TryGetProperty("text", out _));
        var order = x.Api.Requests.ToList();
        Assert.True(order.IndexOf(upload) < order.IndexOf(dm), "the upload comes before the DM that names its media");

        await PushChannel.UntilSettledAsync(x.App);
        var message = (await x.MessagesAsync()).Single(m => m.ContentType == ContentType.Attachment);
        Assert.Equal((DeliveryStatus.Sent, "900000003"), (message.DeliveryStatus, message.ChannelMessageId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_gif_goes_in_chunks_as_a_dm_gif_and_the_dm_waits_for_xs_processing(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var (conversationId, luca) = await QueuedAsync(x);

        Assert.True((await SendAsync(x, luca, conversationId, "wave.gif", Gif)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 3), "the file's DM sent");

        var calls = x.Uploads;
        Assert.Equal(
            [("POST", "/2/media/upload/initialize"), ("POST", "/2/media/upload/1880028106020500001/append"),
             ("POST", "/2/media/upload/1880028106020500001/finalize"), ("GET", "/2/media/upload")],
            calls.Select(c => (c.Method, c.Path)));
        var init = calls[0].Json;
        Assert.Equal(("image/gif", Gif.Length, "dm_gif"),
            (init.GetProperty("media_type").GetString(), init.GetProperty("total_bytes").GetInt32(), init.GetProperty("media_category").GetString()));
        var chunk = await XChannel.FormAsync(calls[1]);
        Assert.Equal("0", Text(chunk["segment_index"].Data));
        Assert.Equal(Gif, chunk["media"].Data);
        Assert.Equal("?command=STATUS&media_id=1880028106020500001", calls[3].Query);

        // The DM goes only after X said the GIF's processing succeeded.
        var order = x.Api.Requests.ToList();
        Assert.True(order.IndexOf(calls[3]) < order.IndexOf(x.Sent[^1]));
        Assert.Equal("1880028106020500001", x.Sent[^1].Json.GetProperty("attachments")[0].GetProperty("media_id").GetString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_pdf_is_refused_in_the_console_before_anything_is_stored_or_uploaded(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var (conversationId, luca) = await QueuedAsync(x);

        var refused = await SendAsync(x, luca, conversationId, "label.pdf", AdvisorFilesTests.Pdf);

        Assert.Equal("X direct messages carry images (PNG, JPEG, GIF, WebP) and video only: a PDF document cannot go. Share a link in a reply instead.", refused.Error);
        Assert.Equal(0, await x.App.DbAsync(db => db.Attachments.CountAsync()));
        Assert.False(await x.App.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Advisor)));
        await Task.Delay(200);
        Assert.Empty(x.Uploads);
        Assert.Equal(2, x.Sent.Count);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_upload_x_refuses_fails_the_message_with_xs_reason_and_sends_no_dm(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var (conversationId, luca) = await QueuedAsync(x);
        x.Api.Respond = r => r.Path == XChannel.UploadPath
            ? new StandInResponse(400, """
                {"errors": [{"message": "The media type of the uploaded file is not supported for this category.", "parameters": {"media_category": ["dm_image"]}}],
                 "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.", "type": "https://api.twitter.com/2/problems/invalid-request"}
                """)
            : x.Answer(r);

        Assert.True((await SendAsync(x, luca, conversationId, "receipt.png", AttachmentRulesTests.Png)).Ok);
        await PushChannel.UntilSettledAsync(x.App, db => db.Messages.AnyAsync(m => m.DeliveryStatus == DeliveryStatus.Failed));

        var message = (await x.MessagesAsync()).Single(m => m.ContentType == ContentType.Attachment);
        Assert.Equal(DeliveryStatus.Failed, message.DeliveryStatus);
        Assert.Equal("The file's upload to X failed: X answered 400: The media type of the uploaded file is not supported for this category.", message.FailureReason);
        Assert.Single(x.Uploads);
        Assert.Equal(2, x.Sent.Count);
    }

    [Fact]
    public async Task An_upload_x_cannot_take_now_is_retried_and_uploads_the_file_again()
    {
        await using var x = await XChannel.StartAsync();
        var (conversationId, luca) = await QueuedAsync(x);
        var unavailable = true;
        x.Api.Respond = r => r.Path == XChannel.UploadPath && unavailable
            ? new StandInResponse(503, """{"title": "Service Unavailable", "detail": "Service Unavailable", "type": "about:blank", "status": 503}""",
                new Dictionary<string, string> { ["Retry-After"] = "30" })
            : x.Answer(r);

        Assert.True((await SendAsync(x, luca, conversationId, "receipt.png", AttachmentRulesTests.Png)).Ok);
        await PushChannel.UntilSettledAsync(x.App, db => db.Deliveries.AnyAsync(d => d.Attempts == 1 && d.LastError != null));
        var delivery = await x.App.DbAsync(db => db.Deliveries.SingleAsync(d => d.LastError != null));
        Assert.Equal("The file's upload to X failed: X answered 503: Service Unavailable", delivery.LastError);

        unavailable = false;
        x.App.Clock.Advance(TimeSpan.FromSeconds(31));
        x.App.Service<Parley.Channels.Delivery.OutboundSignal>().Ring();
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 3), "the file's DM sent on the retry");
        Assert.Equal(2, x.Uploads.Count);
        Assert.Equal("1880028106020500001", x.Sent[^1].Json.GetProperty("attachments")[0].GetProperty("media_id").GetString());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_echo_of_a_file_dm_is_known_as_parleys_even_before_the_send_is_recorded(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var (conversationId, luca) = await QueuedAsync(x);

        // X delivers the echo (no text but the media's t.co link, which Parley drops) before it answers the DM's send.
        x.Api.Respond = r =>
        {
            if (!r.Path.EndsWith("/messages", StringComparison.Ordinal))
            {
                return x.Answer(r);
            }

            var accepted = x.Accepted();
            var id = System.Text.Json.JsonDocument.Parse(accepted.Json).RootElement.GetProperty("data").GetProperty("dm_event_id").GetString()!;
            var media = """
                {"text": "https://t.co/f1le", "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
                 "attachment": {"type": "media", "media": {"id_str": "1880028106020500001", "type": "photo", "url": "https://t.co/f1le",
                  "media_url_https": "https://ton.twitter.com/1.1/ton/data/dm/1/1/receipt.png"}}}
                """;
            var echo = XPayloads.Events(XPayloads.Dm(id, XChannel.AccountId, XPayloads.Customer, "", media));
            return x.PostAsync(echo).GetAwaiter().GetResult().IsSuccessStatusCode ? accepted : new StandInResponse(500, "{}");
        };

        Assert.True((await SendAsync(x, luca, conversationId, "receipt.png", AttachmentRulesTests.Png)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 3), "the file's DM sent");
        await PushChannel.UntilSettledAsync(x.App);

        var messages = await x.MessagesAsync();
        Assert.DoesNotContain(messages, m => m.AuthorName == "Sent outside Parley");
        Assert.Equal("900000003", messages.Single(m => m.ContentType == ContentType.Attachment).ChannelMessageId);
    }

    /// <summary>The customer writes, picks Bank, and waits in its queue; the bot's two DMs sent.</summary>
    private static async Task<(long ConversationId, AdvisorSession Advisor)> QueuedAsync(XChannel x)
    {
        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 1), "the topic list sent");
        await x.PostOkAsync(XPayloads.FromCustomer("1002", "2"));
        var conversation = await Expect.ResultAsync(async () => await x.ConversationOfAsync(XPayloads.Customer) is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        await Expect.UntilAsync(() => Task.FromResult(x.Sent.Count == 2), "the bot's handover sent");
        return (conversation.Id, await x.App.AdvisorAsync("luca@parley.local"));
    }

    private static async Task<ActionOutcome> SendAsync(XChannel x, AdvisorSession advisor, long conversationId, string name, byte[] data)
    {
        using var file = new MemoryStream(data);
        return await x.App.Service<AdvisorUploads>().SendAsync(advisor, conversationId, name, file, CancellationToken.None);
    }

    private static string Text(byte[] data) => System.Text.Encoding.UTF8.GetString(data);
}
