using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Media;
using Parley.Channels.WebMessaging;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.WebMessaging;
using Parley.Tests.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>Files from the advisor's composer: checked like the widget's uploads, stored, and shown in the widget.</summary>
public sealed class AdvisorUploadsTests
{
    private static readonly byte[] PolyglotGif = "GIF89a\x01\x00\x01\x00\x80\x00\x00<script>alert(1)</script>"u8.ToArray();

    [Theory, OnSqlite, OnPostgres]
    public async Task A_good_image_is_stored_and_the_widget_shows_it_with_its_download_link(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, customer) = await TeamsSetup.ConversationAsync(app);
        var marie = await TeamsSetup.SessionAsync(app, "marie@parley.local");

        var outcome = await SendAsync(app, marie, conversationId, "receipt.png", AttachmentRulesTests.Png);

        Assert.True(outcome.Ok, outcome.Error);
        var sent = (await customer.MessagesAsync()).Messages[^1];
        Assert.Equal((AuthorKind.Advisor, ContentType.Attachment, "Marie"), (sent.AuthorKind, sent.ContentType, sent.AuthorName));
        Assert.NotNull(sent.Attachment);
        Assert.Equal(("receipt.png", "image/png", (long)AttachmentRulesTests.Png.Length), (sent.Attachment.FileName, sent.Attachment.ContentType, sent.Attachment.Size));
        using var download = await customer.Http.GetAsync($"{WidgetClient.Base}/attachments/{sent.Attachment.Id}");
        await Expect.StatusAsync(download, System.Net.HttpStatusCode.OK);
        Assert.Equal(AttachmentRulesTests.Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);

        // Sending took the conversation, as a text reply does.
        Assert.Equal(marie.Id, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.AssigneeId).FirstAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_bad_file_is_refused_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, customer) = await TeamsSetup.ConversationAsync(app);
        var marie = await TeamsSetup.SessionAsync(app, "marie@parley.local");
        var tooLarge = new byte[AttachmentRules.MaxBytes + 1];
        AttachmentRulesTests.Png.CopyTo(tooLarge, 0);

        var refusals = new[]
        {
            await SendAsync(app, marie, conversationId, "page.html", "<html><body>hi</body></html>"u8.ToArray()),
            await SendAsync(app, marie, conversationId, "poly.gif", PolyglotGif),
            await SendAsync(app, marie, conversationId, "big.png", tooLarge),
            await SendAsync(app, marie, conversationId, "empty.png", []),
        };

        Assert.All(refusals, r => Assert.False(r.Ok));
        Assert.Equal(AttachmentRules.UnsupportedType, refusals[0].Error);
        Assert.Contains("markup", refusals[1].Error, StringComparison.Ordinal);
        Assert.Contains("10 MB", refusals[2].Error, StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.Attachments.CountAsync()));
        Assert.Single((await customer.MessagesAsync()).Messages);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_reply_rules_hold_and_another_brand_gets_nothing(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, customer) = await TeamsSetup.ConversationAsync(app);
        var luca = await TeamsSetup.SessionAsync(app, "luca@parley.local");
        var marie = await TeamsSetup.SessionAsync(app, "marie@parley.local");
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(luca, conversationId, CancellationToken.None)).Ok);
        var (_, outsider) = await TeamsSetup.OtherBrandAsync(app);

        Assert.Equal("This conversation is assigned to another advisor.", (await SendAsync(app, marie, conversationId, "a.png", AttachmentRulesTests.Png)).Error);
        Assert.Equal("Conversation not found.", (await SendAsync(app, outsider, conversationId, "a.png", AttachmentRulesTests.Png)).Error);
        Assert.Equal(0, await app.DbAsync(db => db.Attachments.CountAsync()));
        Assert.Equal(2, (await customer.MessagesAsync()).Messages.Count);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_channel_that_cannot_carry_the_file_says_so_before_sending(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, _) = await TeamsSetup.ConversationAsync(app);
        var uploads = app.Service<AdvisorUploads>();
        var marie = await TeamsSetup.SessionAsync(app, "marie@parley.local");

        Assert.Null(uploads.Refusal(ChannelKind.WebMessaging, isPublic: false));
        // No Parley:PublicUrl here: the platforms that fetch files by link cannot; X, which gets an upload, needs none.
        Assert.All([ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.WhatsApp], c => Assert.Equal(MediaLinks.NoPublicUrl, uploads.Refusal(c, false)));
        Assert.Null(uploads.Refusal(ChannelKind.X, false));
        Assert.Equal(AdvisorUploads.NotInPublic, uploads.Refusal(ChannelKind.Messenger, isPublic: true));

        // The same conversation as if it were an Instagram one (no public address): refused before anything is stored or queued.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Channel, ChannelKind.Instagram)));
        Assert.Equal(MediaLinks.NoPublicUrl, (await SendAsync(app, marie, conversationId, "a.png", AttachmentRulesTests.Png)).Error);
        Assert.Equal(0, await app.DbAsync(db => db.Attachments.CountAsync()));
        Assert.False(await app.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Advisor)));
    }

    private static async Task<ActionOutcome> SendAsync(ParleyApplication app, Parley.Identity.AdvisorSession advisor, long conversationId, string name, byte[] data)
    {
        using var file = new MemoryStream(data);
        return await app.Service<AdvisorUploads>().SendAsync(advisor, conversationId, name, file, CancellationToken.None);
    }
}
