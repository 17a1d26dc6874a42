using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Messenger;
using Parley.Tests.Channels.X;
using Parley.Tests.Infrastructure;
using Parley.Tests.Simulator;

namespace Parley.Tests.Channels;

/// <summary>A post named by id only in a comment's webhook is read from the network once, so the console shows it.</summary>
public sealed class PostDetailsTests
{
    private const string Known = "100200300400599_777";
    private const string Refused = "100200300400599_888";

    [Theory, OnSqlite, OnPostgres]
    public async Task A_facebook_post_named_by_id_is_read_once_from_the_graph_and_a_refusal_is_not_retried(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(provider: provider);
        world.Graph.Respond = r => r.Method == "GET" && r.Path.EndsWith($"/{Known}", StringComparison.Ordinal)
                ? StandInResponse.Ok(new
                {
                    id = Known, message = "Our new parcel lockers are live", permalink_url = "https://www.facebook.com/laposta/posts/777",
                    full_picture = "https://scontent.example/lockers.jpg", created_time = "2026-12-01T09:30:00+0000",
                    from = new { id = world.PageId, name = "La Posta" },
                })
            : r.Method == "GET" && r.Path.EndsWith($"/{Refused}", StringComparison.Ordinal)
                ? MetaWorld.GraphError(400, 100, "Unsupported get request.")
                : world.Answer(r);

        await world.PostAsync(world.Changes(("feed", FacebookFeedTests.Comment("c1", Known, "psid-ann", "Which one is near me?")),
            ("feed", FacebookFeedTests.Comment("c2", Refused, "psid-bob", "Hello?"))));
        var post = await Expect.ResultAsync(
            () => world.App.DbAsync(db => db.SocialPosts.AsNoTracking().FirstOrDefaultAsync(p => p.PlatformPostId == Known && p.Text != null)), "the post's text read");
        Assert.Equal(("Our new parcel lockers are live", "https://scontent.example/lockers.jpg", true, "La Posta"), (post.Text, post.MediaUrl, post.ByBrand, post.AuthorName));
        Assert.Equal(new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc), post.PostedAt);
        // The comment's webhook gave a link first; the post's own, from Graph, replaces it.
        Assert.Equal("https://www.facebook.com/laposta/posts/777", post.Permalink);
        var read = Assert.Single(world.Graph.Requests, r => r.Method == "GET" && r.Path.EndsWith($"/{Known}", StringComparison.Ordinal));
        Assert.Contains("fields=message,permalink_url,full_picture,created_time,from", Uri.UnescapeDataString(read.Query), StringComparison.Ordinal);

        await Expect.UntilAsync(async () => await world.App.DbAsync(db => db.SocialPosts.AnyAsync(p => p.PlatformPostId == Refused && p.DetailsFetchedAt != null)), "the refused post claimed");
        await world.PostAsync(world.Changes(("feed", FacebookFeedTests.Comment("c3", Known, "psid-ann", "Thanks")), ("feed", FacebookFeedTests.Comment("c4", Refused, "psid-bob", "?"))));
        await world.App.Service<PostDetails>().FetchAsync(CancellationToken.None);

        Assert.Single(world.Graph.Requests, r => r.Method == "GET" && r.Path.EndsWith($"/{Known}", StringComparison.Ordinal));
        Assert.Single(world.Graph.Requests, r => r.Method == "GET" && r.Path.EndsWith($"/{Refused}", StringComparison.Ordinal));
        Assert.Null(await world.App.DbAsync(db => db.SocialPosts.Where(p => p.PlatformPostId == Refused).Select(p => p.Text).SingleAsync()));
        Assert.Equal(2, await world.App.DbAsync(db => db.Conversations.CountAsync(c => c.IsPublic)));
    }

    [Fact]
    public async Task An_x_reply_to_a_tweet_named_by_id_reads_the_tweet_and_its_author()
    {
        await using var x = await XChannel.StartAsync();
        var accepted = x.Api.Respond;
        x.Api.Respond = r => r.Method == "GET" && r.Path.EndsWith("/2/tweets/900", StringComparison.Ordinal)
            ? StandInResponse.Ok(new
            {
                data = new { id = "900", text = "Parcel lockers: now in 300 towns", author_id = XChannel.AccountId, created_at = "2026-12-01T08:00:00.000Z" },
                includes = new { users = new[] { new { id = XChannel.AccountId, name = "La Posta", username = "laposta" } } },
            })
            : accepted(r);

        await x.PostOkAsync(XTweetTests.Created(XTweetTests.Tweet("901", XPayloads.Customer, "@laposta not in mine", replyTo: "900", replyToUser: XChannel.AccountId)));

        var post = await Expect.ResultAsync(
            () => x.App.DbAsync(db => db.SocialPosts.AsNoTracking().FirstOrDefaultAsync(p => p.PlatformPostId == "900" && p.Text != null)), "the tweet read");
        Assert.Equal(("Parcel lockers: now in 300 towns", "https://x.com/laposta/status/900", true, "La Posta"), (post.Text, post.Permalink, post.ByBrand, post.AuthorName));
        var read = Assert.Single(x.Api.Requests, r => r.Method == "GET");
        Assert.Contains("expansions=author_id", read.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_simulators_graph_gives_its_posts_so_the_demo_console_shows_the_post_a_comment_is_under()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        var posts = new PostsClient(new HttpClient { BaseAddress = app.KestrelAddress });
        var sim = new SimulatorClient(posts.Http);
        var customer = await sim.NewCustomerAsync("messenger", "Giulia Rossi");
        var postId = await posts.BrandPostAsync("messenger");
        var text = (await posts.PostsAsync("messenger")).Single(p => p.GetProperty("id").GetString() == postId).GetProperty("text").GetString();

        await posts.CommentAsync("messenger", postId, customer, "Is my town on the list?");

        var post = await Expect.ResultAsync(
            () => app.DbAsync(db => db.SocialPosts.AsNoTracking().FirstOrDefaultAsync(p => p.PlatformPostId == postId && p.Text != null)), "the post read from the simulator");
        Assert.Equal(text, post.Text);
        Assert.True(post.ByBrand);
    }
}
