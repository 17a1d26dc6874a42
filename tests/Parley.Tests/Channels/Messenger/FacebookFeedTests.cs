using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

/// <summary>A Page's feed through the signed Messenger webhook: comments and visitors' posts become public conversations.</summary>
public sealed class FacebookFeedTests
{
    public const string PostA = "100200300400599_111";
    public const string PostB = "100200300400599_222";

    public static JsonObject Comment(string commentId, string postId, string fromId, string? message, string verb = "add", string? parentId = null) => new()
    {
        ["item"] = "comment",
        ["verb"] = verb,
        ["post_id"] = postId,
        ["comment_id"] = commentId,
        ["parent_id"] = parentId ?? postId,
        ["from"] = new JsonObject { ["id"] = fromId, ["name"] = fromId == "psid-ann" ? "Ann Lee" : "Someone" },
        ["message"] = message,
        ["created_time"] = 1764669600,
        ["post"] = new JsonObject { ["id"] = postId, ["status_type"] = "added_photos", ["permalink_url"] = $"https://www.facebook.com/{postId}" },
    };

    public static JsonObject Post(string postId, string fromId, string message, string verb = "add") => new()
    {
        ["item"] = "status",
        ["verb"] = verb,
        ["post_id"] = postId,
        ["from"] = new JsonObject { ["id"] = fromId, ["name"] = "La Posta" },
        ["message"] = message,
        ["created_time"] = 1764669000,
        ["permalink_url"] = $"https://www.facebook.com/{postId}",
        ["photo"] = "https://scontent.example/post.jpg",
    };

    [Theory, OnSqlite, OnPostgres]
    public async Task Comments_make_one_public_conversation_per_customer_and_post_beside_the_private_one(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        var page = world.PageId;
        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", Post(PostA, page, "New stamps are out!")))), HttpStatusCode.OK);
        var first = world.Changes(("feed", Comment($"{PostA}_c1", PostA, "psid-ann", "Where is my parcel?")));
        await Expect.StatusAsync(await world.PostAsync(first), HttpStatusCode.OK);
        await Expect.StatusAsync(await world.PostAsync(first), HttpStatusCode.OK);
        await Expect.StatusAsync(await world.PostAsync(world.Changes(
            ("feed", Comment($"{PostA}_c2", PostA, "psid-ann", "Still waiting", parentId: $"{PostA}_c1")),
            ("feed", Comment($"{PostA}_c3", PostA, page, "We are on it")),
            ("feed", Comment($"{PostB}_c1", PostB, "psid-ann", "And this one?")))), HttpStatusCode.OK);
        await Expect.StatusAsync(await world.PostAsync(world.Body(world.Text("psid-ann", "mid.private.1", "my tracking number is RR123"))), HttpStatusCode.OK);

        var conversations = await world.App.DbAsync(db => db.Conversations.AsNoTracking().Where(c => c.InboxId == world.Connection.InboxId).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(3, conversations.Count);
        var (underA, underB, dm) = (conversations[0], conversations[1], conversations[2]);
        Assert.True(underA.IsPublic && underB.IsPublic && !dm.IsPublic);
        Assert.Null(dm.PostId);
        Assert.All(conversations, c => Assert.Equal(underA.ContactId, c.ContactId));
        var posts = await world.App.DbAsync(db => db.SocialPosts.AsNoTracking().ToDictionaryAsync(p => p.Id));
        Assert.Equal((PostA, true, "New stamps are out!", "https://scontent.example/post.jpg"),
            (posts[underA.PostId!.Value].PlatformPostId, posts[underA.PostId.Value].ByBrand, posts[underA.PostId.Value].Text, posts[underA.PostId.Value].MediaUrl));
        Assert.Equal(PostB, posts[underB.PostId!.Value].PlatformPostId);

        var thread = await world.MessagesAsync(underA.Id);
        Assert.Equal(["Where is my parcel?", "Still waiting"], thread.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.Text));
        Assert.Equal([$"{PostA}_c1", $"{PostA}_c2"], thread.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ChannelMessageId));
        Assert.Equal([null, $"{PostA}_c1"], thread.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ParentChannelMessageId));
        Assert.DoesNotContain(await world.App.DbAsync(db => db.Messages.Select(m => m.ChannelMessageId).ToListAsync()), id => id == $"{PostA}_c3");

        // No bot in public: the threads go to the queue; the bot talks in private only.
        await Expect.UntilAsync(async () => await world.App.DbAsync(db => db.Conversations.CountAsync(c => c.IsPublic && c.Status == ConversationStatus.Queued)) == 2, "the threads queued");
        await world.UntilSentAsync(1, "the private greeting");
        Assert.All(world.Sent, s => Assert.Equal("psid-ann", s.GetProperty("recipient").GetProperty("id").GetString()));
        var reporting = await world.App.DbAsync(db => db.ReportingEvents.AsNoTracking().Where(e => e.Name == ReportingEventNames.ConversationOpened).ToListAsync());
        Assert.Equal([true, true, false], reporting.OrderBy(e => e.ConversationId).Select(e => e.IsPublic));
        Assert.True(await world.App.DbAsync(db => db.ReportingEvents.AnyAsync(e => e.ConversationId == underA.Id && e.Name == ReportingEventNames.HandedOff && e.IsPublic)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Edits_change_the_text_and_a_thread_deleted_before_any_answer_leaves_the_queue(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "Terrible service")), ("feed", Comment("c2", PostA, "psid-ann", "Really"))));
        var conversation = await Expect.ResultAsync(async () => await world.ConversationOfAsync("psid-ann") is { Status: ConversationStatus.Queued } c ? c : null, "queued");

        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", "Slow service", verb: "edited")))), HttpStatusCode.OK);
        var edited = (await world.MessagesAsync(conversation.Id)).Single(m => m.ChannelMessageId == "c1");
        Assert.Equal(("Slow service", true, (DateTime?)null), (edited.Text, edited.EditedAt is not null, edited.DeletedAt));

        await world.PostAsync(world.Changes(("feed", Comment("c1", PostA, "psid-ann", null, verb: "remove"))));
        Assert.Equal(ConversationStatus.Queued, (await world.ConversationOfAsync("psid-ann")).Status);
        await world.PostAsync(world.Changes(("feed", Comment("c2", PostA, "psid-ann", null, verb: "remove"))));

        var withdrawn = await world.ConversationOfAsync("psid-ann");
        Assert.Equal(ConversationStatus.Resolved, withdrawn.Status);
        var messages = await world.MessagesAsync(conversation.Id);
        Assert.All(messages.Where(m => m.AuthorKind == AuthorKind.Customer), m => Assert.NotNull(m.DeletedAt));
        Assert.Equal("Slow service", messages.Single(m => m.ChannelMessageId == "c1").Text);
        Assert.Contains(messages, m => m.AuthorKind == AuthorKind.System && m.Text == PublicThreads.WithdrawnNotice);
        Assert.True(await world.App.DbAsync(db => db.ReportingEvents.AnyAsync(e => e.ConversationId == conversation.Id
            && e.Name == ReportingEventNames.Resolved && e.Detail == ReportingEventNames.Withdrawn && e.IsPublic)));

        // A new comment reopens the same thread.
        await world.PostAsync(world.Changes(("feed", Comment("c4", PostA, "psid-ann", "Hello again?"))));
        await Expect.UntilAsync(async () => (await world.ConversationOfAsync("psid-ann")) is { Status: ConversationStatus.Queued } c && c.Id == conversation.Id, "reopened");
    }

    [Fact]
    public async Task A_visitors_post_on_the_page_is_a_public_conversation_whose_post_is_itself()
    {
        await using var world = await MetaWorld.StartAsync();
        var post = Post("100200300400599_333", "visitor-9", "My card was charged twice");
        post["from"]!["name"] = "Vera Visitor";

        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", post))), HttpStatusCode.OK);

        var conversation = await world.ConversationOfAsync("visitor-9");
        Assert.True(conversation.IsPublic);
        var stored = await world.App.DbAsync(db => db.SocialPosts.SingleAsync(p => p.Id == conversation.PostId));
        Assert.Equal((false, "Vera Visitor", "My card was charged twice"), (stored.ByBrand, stored.AuthorName, stored.Text));
        Assert.Equal("100200300400599_333", (await world.MessagesAsync(conversation.Id)).Single(m => m.AuthorKind == AuthorKind.Customer).ChannelMessageId);
    }

    [Fact]
    public async Task Bad_or_malformed_public_events_are_refused_with_a_4xx_and_store_nothing()
    {
        await using var world = await MetaWorld.StartAsync();
        var good = ("feed", Comment("c1", PostA, "psid-ann", "hello"));

        await Expect.ProblemAsync(await world.PostAsync(world.Changes(good), secret: "not-the-app-secret"), HttpStatusCode.Unauthorized);
        var noCommentId = Comment("c2", PostA, "psid-ann", "x");
        noCommentId.Remove("comment_id");
        await Expect.ProblemAsync(await world.PostAsync(world.Changes(good, ("feed", noCommentId))), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync(world.Changes(good, ("feed", new JsonObject { ["item"] = "comment", ["verb"] = "add" }))), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync(world.Changes(good).Replace("\"field\":\"feed\"", "\"nofield\":\"feed\"", StringComparison.Ordinal)), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync($$$"""{"object": "page", "entry": [{"id": "{{{world.PageId}}}", "time": 1, "changes": {"field": "feed"}}]}"""),
            HttpStatusCode.BadRequest);

        Assert.Equal(0, await world.App.DbAsync(db => db.Messages.CountAsync()));
        Assert.Equal(0, await world.App.DbAsync(db => db.SocialPosts.CountAsync()));
        Assert.Equal(0, await world.App.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM webhook_events").SingleAsync()));

        // Unexpected but well-formed changes (a reaction, a hide, a field Parley does not handle) are answered 200 and ignored.
        var reaction = new JsonObject { ["item"] = "reaction", ["verb"] = "add", ["post_id"] = PostA, ["reaction_type"] = "like" };
        await Expect.StatusAsync(await world.PostAsync(world.Changes(("feed", reaction), ("feed", Comment("c1", PostA, "psid-ann", "x", verb: "hide")),
            ("ratings", new JsonObject { ["x"] = 1 }))), HttpStatusCode.OK);
        Assert.Equal(0, await world.App.DbAsync(db => db.Messages.CountAsync()));
        Assert.Empty(world.App.LoggedErrors);
    }
}
