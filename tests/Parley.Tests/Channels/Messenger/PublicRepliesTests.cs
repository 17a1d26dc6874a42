using System.Net;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

/// <summary>Public replies, private replies and moderation on Facebook and Instagram comments, against the Graph stand-in.</summary>
public sealed class PublicRepliesTests
{
    private const string PostA = FacebookFeedTests.PostA;
    private const string CommentId = PostA + "_c1";

    /// <summary>Graph's answers to the calls on comments; everything else as <see cref="MetaWorld.Answer"/>.</summary>
    private static void AnswerComments(MetaWorld world, string privateRecipient = "psid-private")
    {
        var replies = 0;
        world.Graph.Respond = r =>
        {
            if (r.Method == "POST" && (r.Path.EndsWith("/comments", StringComparison.Ordinal) || r.Path.EndsWith("/replies", StringComparison.Ordinal)))
            {
                return StandInResponse.Ok(new { id = $"reply-{Interlocked.Increment(ref replies)}" });
            }

            if (r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal) && (r.Json.GetProperty("recipient").TryGetProperty("comment_id", out _) || r.Json.GetProperty("recipient").TryGetProperty("post_id", out _)))
            {
                return StandInResponse.Ok(new { recipient_id = privateRecipient, message_id = "m_private_1" });
            }

            return r.Method is "DELETE" || (r.Method == "POST" && !r.Path.EndsWith("/messages", StringComparison.Ordinal))
                ? StandInResponse.Ok(new { success = true })
                : world.Answer(r);
        };
    }

    private static async Task<(Conversation Conversation, Message Comment)> CommentAsync(MetaWorld world, string commentId = CommentId, string from = "psid-ann")
    {
        var body = world.Connection.Kind == ChannelKind.Instagram
            ? world.Changes(("comments", InstagramPublicTests.Comment(commentId, "media-1", from, "Where is my parcel?")))
            : world.Changes(("feed", FacebookFeedTests.Comment(commentId, PostA, from, "Where is my parcel?")));
        await Expect.StatusAsync(await world.PostAsync(body), HttpStatusCode.OK);
        var conversation = await Expect.ResultAsync(async () => await world.App.DbAsync(db => db.Conversations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.IsPublic && c.Status == ConversationStatus.Queued)), "the thread queued");
        var comment = (await world.MessagesAsync(conversation.Id)).Single(m => m.ChannelMessageId == commentId);
        return (conversation, comment);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_facebook_reply_goes_under_the_latest_comment_signed_and_moderation_is_recorded_with_the_advisors_name(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        AnswerComments(world);
        var (conversation, comment) = await CommentAsync(world);
        var luca = await world.App.AdvisorAsync("luca@parley.local");

        Assert.True((await world.App.Service<ConversationActions>().ReplyAsync(luca, conversation.Id, "We are looking into it.", CancellationToken.None)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(world.Graph.To("/comments").Count == 1), "the public reply");
        var call = world.Graph.To("/comments")[0];
        Assert.Equal(($"/v23.0/{CommentId}/comments", "We are looking into it.\n\n— Luca"), (call.Path, call.Json.GetProperty("message").GetString()));
        Assert.Empty(world.Sent);
        var reply = await Expect.ResultAsync(async () => (await world.MessagesAsync(conversation.Id)).FirstOrDefault(m => m.ChannelMessageId == "reply-1"), "the reply's id stored");
        Assert.Equal((AuthorKind.Advisor, CommentId, DeliveryStatus.Sent), (reply.AuthorKind, reply.ParentChannelMessageId, reply.DeliveryStatus));

        // The Page's echo of its own comment is not a second message.
        await world.PostAsync(world.Changes(("feed", FacebookFeedTests.Comment("reply-1", PostA, world.PageId, "We are looking into it.\n\n— Luca", parentId: CommentId))));
        Assert.Single(await world.MessagesAsync(conversation.Id), m => m.Text?.StartsWith("We are looking", StringComparison.Ordinal) == true);

        var moderation = world.App.Service<PublicModeration>();
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Hide, CancellationToken.None)).Ok);
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Unhide, CancellationToken.None)).Ok);
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Like, CancellationToken.None)).Ok);
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, reply.Id, PublicAction.Delete, CancellationToken.None)).Ok);
        var calls = world.Graph.Requests.Where(r => !r.Path.EndsWith("/comments", StringComparison.Ordinal) && r.Method != "GET").ToList();
        Assert.Equal([("POST", $"/v23.0/{CommentId}", """{"is_hidden":true}"""), ("POST", $"/v23.0/{CommentId}", """{"is_hidden":false}"""),
            ("POST", $"/v23.0/{CommentId}/likes", "{}"), ("DELETE", "/v23.0/reply-1", "")], calls.Select(r => (r.Method, r.Path, r.Body)));

        var thread = await world.MessagesAsync(conversation.Id);
        var stored = thread.Single(m => m.Id == comment.Id);
        Assert.Equal((null, true), (stored.HiddenAt, stored.LikedAt is not null));
        Assert.NotNull(thread.Single(m => m.Id == reply.Id).DeletedAt);
        Assert.Equal(["Luca hid the customer's comment on Facebook.", "Luca made the customer's comment visible again on Facebook.",
            "Luca liked the customer's comment on Facebook.", "Luca deleted the brand's reply on Facebook."],
            thread.Where(m => m.AuthorKind == AuthorKind.System && m.Text!.StartsWith("Luca ", StringComparison.Ordinal) && !m.Text.Contains("joined", StringComparison.Ordinal)).Select(m => m.Text));
        var events = await world.App.DbAsync(db => db.ReportingEvents.AsNoTracking().Where(e => e.Name == ReportingEventNames.PublicAction).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["hide", "unhide", "like", "delete"], events.Select(e => e.Detail));
        Assert.All(events, e => Assert.True(e.AdvisorId == luca.Id && e.IsPublic));
    }

    [Fact]
    public async Task A_platform_refusal_reaches_the_advisor_and_nothing_is_recorded_and_strangers_get_nothing()
    {
        await using var world = await MetaWorld.StartAsync();
        AnswerComments(world);
        var (conversation, comment) = await CommentAsync(world);
        var luca = await world.App.AdvisorAsync("luca@parley.local");
        var marie = await world.App.AdvisorAsync("marie@parley.local");
        var moderation = world.App.Service<PublicModeration>();
        Assert.True((await world.App.Service<ConversationActions>().TakeOverAsync(luca, conversation.Id, CancellationToken.None)).Ok);

        world.Graph.Respond = _ => MetaWorld.GraphError(400, 10, "(#10) Permission denied: pages_manage_engagement is missing");
        var refused = await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Hide, CancellationToken.None);
        Assert.False(refused.Ok);
        Assert.Contains("Facebook refused", refused.Error, StringComparison.Ordinal);
        Assert.Contains("pages_manage_engagement", refused.Error, StringComparison.Ordinal);
        Assert.Null((await world.MessagesAsync(conversation.Id)).Single(m => m.Id == comment.Id).HiddenAt);

        var outsider = new AdvisorSession(luca.Id, "Outsider", AdvisorRole.Supervisor, new HashSet<long> { -1 });
        Assert.Equal("Conversation not found.", (await moderation.ModerateAsync(outsider, conversation.Id, comment.Id, PublicAction.Hide, CancellationToken.None)).Error);
        Assert.Equal("Conversation not found.", (await moderation.ReplyInPrivateAsync(outsider, conversation.Id, comment.Id, "hi", CancellationToken.None)).Error);
        Assert.Equal("This conversation is assigned to another advisor.",
            (await moderation.ModerateAsync(marie, conversation.Id, comment.Id, PublicAction.Like, CancellationToken.None)).Error);
        Assert.Equal(1, world.Graph.Requests.Count(r => r.Method == "POST" && !r.Path.EndsWith("/messages", StringComparison.Ordinal)));
        Assert.Equal(0, await world.App.DbAsync(db => db.ReportingEvents.CountAsync(e => e.Name == ReportingEventNames.PublicAction)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_private_reply_goes_once_per_comment_within_7_days_and_links_the_private_conversation_both_ways(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        AnswerComments(world);
        var (conversation, comment) = await CommentAsync(world, from: "commenter-ann");
        var luca = await world.App.AdvisorAsync("luca@parley.local");
        var moderation = world.App.Service<PublicModeration>();

        Assert.True((await moderation.ReplyInPrivateAsync(luca, conversation.Id, comment.Id, "Could you send me your tracking number?", CancellationToken.None)).Ok);
        var call = Assert.Single(world.Sent);
        Assert.Equal(CommentId, call.GetProperty("recipient").GetProperty("comment_id").GetString());
        Assert.Equal("Could you send me your tracking number?\n\n— Luca", call.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal($"/v23.0/{world.PageId}/messages", world.Graph.To("/messages")[0].Path);

        var second = await moderation.ReplyInPrivateAsync(luca, conversation.Id, comment.Id, "Again?", CancellationToken.None);
        Assert.Contains("one private reply per comment", second.Error, StringComparison.Ordinal);
        Assert.Single(world.Sent);

        // The customer answers in private, with the id the private reply's answer named.
        await Expect.StatusAsync(await world.PostAsync(world.Body(world.Text("psid-private", "mid.answer", "RR123456785IT"))), HttpStatusCode.OK);
        var continued = await world.ConversationOfAsync("psid-private");
        Assert.False(continued.IsPublic);
        Assert.Equal(conversation.Id, continued.LinkedConversationId);
        Assert.Equal(continued.Id, (await world.App.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id))).LinkedConversationId);
        Assert.Equal(conversation.ContactId, continued.ContactId);
        var privateThread = await Expect.ResultAsync(async () => await world.MessagesAsync(continued.Id) is { } t && t.Any(m => m.ChannelMessageId == "mid.answer") ? t : null, "the answer");
        Assert.Contains(privateThread, m => m.ChannelMessageId == "m_private_1" && m.AuthorKind == AuthorKind.Advisor);
        Assert.Equal((luca.Id, ConversationStatus.Assigned), (continued.AssigneeId, (await world.App.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == continued.Id))).Status));

        // Past Meta's 7 days, a private reply is refused before anything is sent.
        await world.PostAsync(world.Changes(("feed", FacebookFeedTests.Comment(PostA + "_c2", PostA, "commenter-ann", "Hello?"))));
        var later = await Expect.ResultAsync(async () => (await world.MessagesAsync(conversation.Id)).FirstOrDefault(m => m.ChannelMessageId == PostA + "_c2"), "the second comment");
        world.App.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var late = await moderation.ReplyInPrivateAsync(luca, conversation.Id, later.Id, "Still there?", CancellationToken.None);
        Assert.Contains("within 7 days of the comment", late.Error, StringComparison.Ordinal);
        Assert.Single(world.Sent);
    }

    [Fact]
    public async Task A_visitor_post_on_the_page_is_answered_in_private_by_its_post_id()
    {
        await using var world = await MetaWorld.StartAsync();
        AnswerComments(world);
        const string visitorPost = "100200300400599_555";
        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", FacebookFeedTests.Post(visitorPost, "psid-ann", "My parcel never came")))), HttpStatusCode.OK);
        var conversation = await Expect.ResultAsync(async () => await world.App.DbAsync(db => db.Conversations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.IsPublic && c.Status == ConversationStatus.Queued)), "the visitor post's thread");
        var post = (await world.MessagesAsync(conversation.Id)).Single(m => m.ChannelMessageId == visitorPost);
        var luca = await world.App.AdvisorAsync("luca@parley.local");

        Assert.True((await world.App.Service<PublicModeration>().ReplyInPrivateAsync(luca, conversation.Id, post.Id, "Could you tell me your tracking number?", CancellationToken.None)).Ok);

        var recipient = Assert.Single(world.Sent).GetProperty("recipient");
        Assert.Equal(visitorPost, recipient.GetProperty("post_id").GetString());
        Assert.False(recipient.TryGetProperty("comment_id", out _));
    }

    [Fact]
    public async Task An_instagram_reply_goes_to_replies_hides_with_hide_and_has_no_like()
    {
        await using var world = await MetaWorld.StartAsync(ChannelKind.Instagram);
        AnswerComments(world);
        var (conversation, comment) = await CommentAsync(world, "ig-c1", "igsid-ann");
        var luca = await world.App.AdvisorAsync("luca@parley.local");

        Assert.True((await world.App.Service<ConversationActions>().ReplyAsync(luca, conversation.Id, "Thanks, we're on it!", CancellationToken.None)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(world.Graph.To("/replies").Count == 1), "the public reply");
        var call = world.Graph.To("/replies")[0];
        Assert.Equal(("/v23.0/ig-c1/replies", "Thanks, we're on it!\n\n— Luca"), (call.Path, call.Json.GetProperty("message").GetString()));

        var moderation = world.App.Service<PublicModeration>();
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Hide, CancellationToken.None)).Ok);
        var hide = world.Graph.Requests.Single(r => r.Path == "/v23.0/ig-c1");
        Assert.Equal("""{"hide":true}""", hide.Body);
        Assert.False(moderation.Abilities(ChannelKind.Instagram).CanLike);
        Assert.False((await moderation.ModerateAsync(luca, conversation.Id, comment.Id, PublicAction.Like, CancellationToken.None)).Ok);
        Assert.Empty(world.Graph.To("/likes"));
    }
}
