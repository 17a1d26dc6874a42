using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Media;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Channels.Messenger;
using Parley.Tests.Channels.WebMessaging;
using Parley.Tests.Channels.WhatsApp;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Media;

/// <summary>
/// An advisor's file on Messenger, Instagram and WhatsApp: sent as the platform's media by a signed, expiring link under
/// Parley:PublicUrl, which serves the file's bytes to whoever holds it until it expires, and nothing else.
/// </summary>
public sealed class AdvisorFilesTests
{
    public const string PublicUrl = "https://care.example.com";

    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"u8.ToArray();

    [Theory, OnSqlite, OnPostgres]
    public async Task Messenger_gets_the_file_by_a_signed_link_that_serves_its_bytes_until_it_expires(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider, publicUrl: PublicUrl);
        var (conversationId, luca) = await QueuedAsync(world);

        Assert.Null(world.App.Service<AdvisorUploads>().Refusal(ChannelKind.Messenger, isPublic: false));
        var sent = await SendAsync(world.App, luca, conversationId, "receipt.png", AttachmentRulesTests.Png);
        Assert.True(sent.Ok, sent.Error);
        await world.UntilSentAsync(3, "the file sent");

        var message = world.Sent[^1].GetProperty("message");
        Assert.False(message.TryGetProperty("text", out _));
        var attachment = message.GetProperty("attachment");
        Assert.Equal("image", attachment.GetProperty("type").GetString());
        Assert.False(attachment.GetProperty("payload").GetProperty("is_reusable").GetBoolean());
        var link = new Uri(attachment.GetProperty("payload").GetProperty("url").GetString()!);
        var id = await world.App.DbAsync(db => db.Attachments.Select(a => a.Id).SingleAsync());
        Assert.Equal($"{PublicUrl}/media/{id}", link.GetLeftPart(UriPartial.Path));

        using var client = world.App.CreateClient();
        using (var fetched = await client.GetAsync(link.PathAndQuery))
        {
            await Expect.StatusAsync(fetched, HttpStatusCode.OK);
            Assert.Equal(AttachmentRulesTests.Png, await fetched.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", fetched.Content.Headers.ContentType?.MediaType);
            Assert.Equal("receipt.png", fetched.Content.Headers.ContentDisposition?.FileName);
            Assert.Equal("nosniff", fetched.Headers.GetValues("X-Content-Type-Options").Single());
        }

        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var (expires, sig) = (query["expires"]!, query["sig"]!);
        var tampered = sig[..^1] + (sig[^1] == '0' ? '1' : '0');
        await RefusedAsync(client, $"/media/{id}?expires={expires}&sig={tampered}", HttpStatusCode.Forbidden);
        await RefusedAsync(client, $"/media/{id + 1}?expires={expires}&sig={sig}", HttpStatusCode.Forbidden);
        await RefusedAsync(client, $"/media/{id}?expires={long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) + 1}&sig={sig}", HttpStatusCode.Forbidden);
        await RefusedAsync(client, $"/media/{id}", HttpStatusCode.Forbidden);

        world.App.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await RefusedAsync(client, link.PathAndQuery, HttpStatusCode.Forbidden);

        // A signed link to a file that was since deleted: not found.
        var fresh = (await world.App.Service<MediaLinks>().LinkAsync(id, CancellationToken.None))!;
        await world.App.DbAsync(db => db.Attachments.ExecuteDeleteAsync());
        await RefusedAsync(client, new Uri(fresh).PathAndQuery, HttpStatusCode.NotFound);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Messenger_gets_a_pdf_as_a_file_and_instagram_refuses_it_before_anything_is_stored(DatabaseProvider provider)
    {
        await using (var messenger = await MetaWorld.StartAsync(provider: provider, publicUrl: PublicUrl))
        {
            var (conversationId, luca) = await QueuedAsync(messenger);
            Assert.True((await SendAsync(messenger.App, luca, conversationId, "label.pdf", Pdf)).Ok);
            await messenger.UntilSentAsync(3, "the pdf sent");
            Assert.Equal("file", messenger.Sent[^1].GetProperty("message").GetProperty("attachment").GetProperty("type").GetString());
        }

        await using var instagram = await MetaWorld.StartAsync(ChannelKind.Instagram, provider, publicUrl: PublicUrl);
        var (igConversation, advisor) = await QueuedAsync(instagram);

        var refused = await SendAsync(instagram.App, advisor, igConversation, "label.pdf", Pdf);
        Assert.False(refused.Ok);
        Assert.Equal("Instagram direct messages carry images (PNG, JPEG, GIF), video and audio only: a PDF document cannot go. Share a link in a reply instead.", refused.Error);
        Assert.Equal(0, await instagram.App.DbAsync(db => db.Attachments.CountAsync()));

        Assert.True((await SendAsync(instagram.App, advisor, igConversation, "photo.png", AttachmentRulesTests.Png)).Ok);
        await instagram.UntilSentAsync(3, "the image sent");
        var attachment = instagram.Sent[^1].GetProperty("message").GetProperty("attachment");
        Assert.Equal("image", attachment.GetProperty("type").GetString());
        Assert.StartsWith(PublicUrl + "/media/", attachment.GetProperty("payload").GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task WhatsApp_gets_an_image_by_link_and_a_pdf_as_a_named_document(DatabaseProvider provider)
    {
        await using var host = await WhatsAppTestHost.StartAsync(provider, publicUrl: PublicUrl + "/");
        await host.PostOkAsync(WhatsAppPayloads.CustomerText("393331234567", "wamid.in-1", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(host.Sends().Count == 1), "the bot's picker sent");
        var conversationId = (await host.ConversationOfAsync("393331234567")).Id;
        var luca = await host.App.AdvisorAsync("luca@parley.local");

        Assert.True((await SendAsync(host.App, luca, conversationId, "receipt.png", AttachmentRulesTests.Png)).Ok);
        Assert.True((await SendAsync(host.App, luca, conversationId, "label.pdf", Pdf)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(host.Sends().Count == 3), "both files sent");

        var image = host.Sends()[1].Json;
        Assert.Equal(("whatsapp", "393331234567", "image"),
            (image.GetProperty("messaging_product").GetString(), image.GetProperty("to").GetString(), image.GetProperty("type").GetString()));
        Assert.False(image.GetProperty("image").TryGetProperty("caption", out _));
        var imageLink = new Uri(image.GetProperty("image").GetProperty("link").GetString()!);
        Assert.StartsWith(PublicUrl + "/media/", imageLink.ToString(), StringComparison.Ordinal);

        var document = host.Sends()[2].Json;
        Assert.Equal("document", document.GetProperty("type").GetString());
        Assert.Equal("label.pdf", document.GetProperty("document").GetProperty("filename").GetString());

        using var client = host.App.CreateClient();
        using var fetched = await client.GetAsync(new Uri(document.GetProperty("document").GetProperty("link").GetString()!).PathAndQuery);
        await Expect.StatusAsync(fetched, HttpStatusCode.OK);
        Assert.Equal(Pdf, await fetched.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", fetched.Content.Headers.ContentType?.MediaType);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Without_a_public_address_the_file_is_refused_before_anything_is_stored(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        var (conversationId, luca) = await QueuedAsync(world);
        var uploads = world.App.Service<AdvisorUploads>();

        Assert.All([ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.WhatsApp], c => Assert.Equal(MediaLinks.NoPublicUrl, uploads.Refusal(c, false)));
        Assert.Null(uploads.Refusal(ChannelKind.X, false));
        Assert.Null(uploads.Refusal(ChannelKind.WebMessaging, false));

        var refused = await SendAsync(world.App, luca, conversationId, "receipt.png", AttachmentRulesTests.Png);
        Assert.Equal(MediaLinks.NoPublicUrl, refused.Error);
        Assert.Equal(0, await world.App.DbAsync(db => db.Attachments.CountAsync()));
        Assert.False(await world.App.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Advisor)));
        await Task.Delay(200);
        Assert.Equal(2, world.Sent.Count);
    }

    /// <summary>A Messenger (or Instagram) customer picks Bank and waits in its queue, the bot's two messages sent.</summary>
    private static async Task<(long ConversationId, AdvisorSession Advisor)> QueuedAsync(MetaWorld world)
    {
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        await world.PostAsync(world.Body(world.QuickReply("psid-ann", "mid.2", "Bank", "bank")));
        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("psid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");
        await world.UntilSentAsync(2, "the bot's messages");
        return (conversation.Id, await world.App.AdvisorAsync("luca@parley.local"));
    }

    private static async Task<ActionOutcome> SendAsync(ParleyApplication app, AdvisorSession advisor, long conversationId, string name, byte[] data)
    {
        using var file = new MemoryStream(data);
        return await app.Service<AdvisorUploads>().SendAsync(advisor, conversationId, name, file, CancellationToken.None);
    }

    private static async Task RefusedAsync(HttpClient client, string pathAndQuery, HttpStatusCode status)
    {
        using var response = await client.GetAsync(pathAndQuery);
        await Expect.StatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":" + (int)status, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
