using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

/// <summary>Instagram comments and mentions through the signed Instagram webhook.</summary>
public sealed class InstagramPublicTests
{
    public static JsonObject Comment(string id, string mediaId, string fromId, string text, string? parentId = null)
    {
        var value = new JsonObject
        {
            ["from"] = new JsonObject { ["id"] = fromId, ["username"] = fromId == "igsid-ann" ? "ann.lee" : "laposta" },
            ["media"] = new JsonObject { ["id"] = mediaId, ["media_product_type"] = "FEED" },
            ["id"] = id,
            ["text"] = text,
        };
        if (parentId is not null)
        {
            value["parent_id"] = parentId;
        }

        return value;
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Comments_make_one_public_conversation_per_customer_and_media(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(ChannelKind.Instagram, provider);
        var body = world.Changes(("comments", Comment("17850001", "18000001", "igsid-ann", "Is the office open on Sunday?")),
            ("comments", Comment("17850002", "18000001", "igsid-ann", "Anyone?", parentId: "17850001")),
            ("comments", Comment("17850003", "18000001", world.PageId, "Our reply")),
            ("comments", Comment("17850004", "18000002", "igsid-ann", "Nice photo")));

        await Expect.StatusAsync(await world.PostAsync(body), HttpStatusCode.OK);
        await Expect.StatusAsync(await world.PostAsync(body), HttpStatusCode.OK);
        await world.PostAsync(world.Body(world.Text("igsid-ann", "mid.ig.1", "in private now")));

        var conversations = await world.App.DbAsync(db => db.Conversations.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([true, true, false], conversations.Select(c => c.IsPublic));
        Assert.Equal(3, await world.App.DbAsync(db => db.Messages.CountAsync(m => m.AuthorKind == AuthorKind.Customer && m.ConversationId != conversations[2].Id)));
        Assert.Equal(["Is the office open on Sunday?", "Anyone?"],
            (await world.MessagesAsync(conversations[0].Id)).Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.Text));
        var contact = await world.App.DbAsync(db => db.Contacts.SingleAsync(c => c.Id == conversations[0].ContactId));
        Assert.Equal("ann.lee", contact.Name);
    }

    [Fact]
    public async Task A_mention_is_looked_up_and_stored_as_a_public_message()
    {
        await using var world = await MetaWorld.StartAsync(ChannelKind.Instagram);
        world.Graph.Respond = r => r.Method == "GET" && r.Query.Contains("mentioned_comment", StringComparison.Ordinal)
            ? StandInResponse.Ok(new
            {
                mentioned_comment = new
                {
                    id = "17870001",
                    text = "@laposta my parcel is lost",
                    timestamp = "2026-12-01T10:00:00+0000",
                    from = new { id = "igsid-bob", username = "bob" },
                    media = new { id = "18100001", caption = "Holiday!", permalink = "https://www.instagram.com/p/abc/", media_url = "https://cdn.example/m.jpg", username = "carla" },
                },
                id = world.PageId,
            })
            : world.Answer(r);

        var mention = world.Changes(("mentions", new JsonObject { ["media_id"] = "18100001", ["comment_id"] = "17870001" }));
        await Expect.StatusAsync(await world.PostAsync(mention), HttpStatusCode.OK);
        await Expect.StatusAsync(await world.PostAsync(mention), HttpStatusCode.OK);

        var conversation = await world.ConversationOfAsync("igsid-bob");
        Assert.True(conversation.IsPublic);
        Assert.Equal("@laposta my parcel is lost", (await world.MessagesAsync(conversation.Id)).Single(m => m.AuthorKind == AuthorKind.Customer).Text);
        var post = await world.App.DbAsync(db => db.SocialPosts.SingleAsync(p => p.Id == conversation.PostId));
        Assert.Equal(("18100001", false, "carla", "Holiday!", "https://cdn.example/m.jpg"), (post.PlatformPostId, post.ByBrand, post.AuthorName, post.Text, post.MediaUrl));
        Assert.Contains($"/{world.PageId}", world.Graph.Requests.First(r => r.Query.Contains("mentioned_comment", StringComparison.Ordinal)).Path, StringComparison.Ordinal);

        await Expect.ProblemAsync(await world.PostAsync(world.Changes(("mentions", new JsonObject { ["comment_id"] = "1" }))), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await world.PostAsync(world.Changes(("comments", new JsonObject { ["id"] = "1", ["text"] = "no media" }))), HttpStatusCode.BadRequest);
        Assert.Empty(world.App.LoggedErrors);
    }
}
