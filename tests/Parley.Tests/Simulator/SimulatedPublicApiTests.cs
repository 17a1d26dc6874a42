using System.Net;
using System.Text.Json;
using Parley.Channels;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Simulator.PostsClient;

namespace Parley.Tests.Simulator;

/// <summary>
/// The stand-in Graph and X endpoints Parley calls on public posts: public replies, private replies (once per comment,
/// within 7 days), hiding, deleting and liking, with the platforms' answers and errors, and the page showing each.
/// </summary>
public sealed class SimulatedPublicApiTests
{
    [Fact]
    public async Task Facebook_public_replies_likes_hides_and_deletes_are_answered_as_Graph_does_and_shown()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var (sim, posts, token) = await ClientsAsync(app, ChannelKind.Messenger);
        var giulia = await sim.NewCustomerAsync("messenger", "Giulia Rossi");
        var marco = await sim.NewCustomerAsync("messenger", "Marco Bianchi");
        var postId = await posts.BrandPostAsync("messenger");
        var comment = await posts.CommentIdAsync("messenger", postId, giulia, "Where is my parcel?");

        // Graph takes its parameters as a form, with the token in it too; the inspector never shows the token.
        var reply = await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}/comments", null,
            form: new() { ["message"] = "Hello Giulia, we write to you privately.", ["access_token"] = token }));
        var replyId = reply.GetProperty("id").GetString()!;
        Assert.StartsWith(postId.Split('_')[1] + "_", replyId, StringComparison.Ordinal);
        var thread = await posts.CommentsAsync("messenger", postId, giulia);
        Assert.Equal((replyId, true, comment), (thread[1].GetProperty("id").GetString(), thread[1].GetProperty("fromBrand").GetBoolean(), thread[1].GetProperty("thread").GetString()));
        Assert.DoesNotContain((await sim.InspectorAsync()), e => e.ToString().Contains(token, StringComparison.Ordinal));

        Assert.True((await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}/likes", token))).GetProperty("success").GetBoolean());
        Assert.True((await posts.CommentsAsync("messenger", postId))[0].GetProperty("liked").GetBoolean());

        var hidden = await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}", token, form: new() { ["is_hidden"] = "true" }));
        Assert.True(hidden.GetProperty("success").GetBoolean());
        // A hidden comment stays visible to its author (greyed), and to nobody else.
        Assert.True((await posts.CommentsAsync("messenger", postId, giulia))[0].GetProperty("hidden").GetBoolean());
        Assert.DoesNotContain(await posts.CommentsAsync("messenger", postId, marco), c => c.GetProperty("id").GetString() == comment);
        await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}", token, json: new { is_hidden = false }));
        Assert.Contains(await posts.CommentsAsync("messenger", postId, marco), c => c.GetProperty("id").GetString() == comment);
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{replyId}", token, form: new() { ["is_hidden"] = "true" }), HttpStatusCode.BadRequest));

        Assert.True((await OkAsync(await posts.ApiAsync(HttpMethod.Delete, $"{Graph}/{replyId}", token))).GetProperty("success").GetBoolean());
        Assert.Single(await posts.CommentsAsync("messenger", postId, giulia));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Delete, $"{Graph}/{replyId}", token), HttpStatusCode.BadRequest));

        var onPost = await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{postId}/comments?message=Thank+you+all", token));
        Assert.Equal(2, (await posts.CommentsAsync("messenger", postId)).Count);
        Assert.Equal((string?)null, (await posts.CommentsAsync("messenger", postId))[1].GetProperty("thread").GetString());
        Assert.False(string.IsNullOrEmpty(onPost.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Graph_refuses_bad_tokens_unknown_ids_and_the_wrong_networks_edges()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var (sim, posts, token) = await ClientsAsync(app, ChannelKind.Messenger);
        var igToken = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Instagram)).AccessToken!;
        var giulia = await sim.NewCustomerAsync("messenger");
        var chiara = await sim.NewCustomerAsync("instagram", "Chiara Romano");
        var fbComment = await posts.CommentIdAsync("messenger", await posts.BrandPostAsync("messenger"), giulia, "Hello");
        var igPost = await posts.BrandPostAsync("instagram");
        var igComment = await posts.CommentIdAsync("instagram", igPost, chiara, "Hello");

        Assert.Equal(190, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{fbComment}/comments", "wrong", form: new() { ["message"] = "Hi" }), HttpStatusCode.Unauthorized));
        Assert.Equal(190, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Delete, $"{Graph}/{fbComment}", null), HttpStatusCode.Unauthorized));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/123_456/comments", token, form: new() { ["message"] = "Hi" }), HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/999/likes", token), HttpStatusCode.BadRequest));
        // Another network's token does not see the object.
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{fbComment}/comments", igToken, form: new() { ["message"] = "Hi" }), HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{fbComment}/comments", token, form: new() { ["message"] = "" }), HttpStatusCode.BadRequest));
        // Facebook has no /replies edge; Instagram answers on a comment's /replies, not /comments, and likes nothing through the API.
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{fbComment}/replies", token, new { message = "Hi" }), HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{igComment}/comments", igToken, new { message = "Hi" }), HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{igComment}/likes", igToken), HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{igComment}", igToken, new { is_hidden = true }), HttpStatusCode.BadRequest));
        Assert.Equal(2, (await posts.PostsAsync("messenger")).Sum(p => p.GetProperty("comments").GetArrayLength()) + (await posts.CommentsAsync("instagram", igPost)).Count);
    }

    [Fact]
    public async Task Instagram_replies_hides_and_deletes_are_answered_as_Graph_does()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var (sim, posts, token) = await ClientsAsync(app, ChannelKind.Instagram);
        var chiara = await sim.NewCustomerAsync("instagram", "Chiara Romano");
        var postId = await posts.BrandPostAsync("instagram");
        var comment = await posts.CommentIdAsync("instagram", postId, chiara, "Is Conto Più free?");

        var reply = (await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}/replies", token, new { message = "Yes, no fees!" }))).GetProperty("id").GetString()!;
        Assert.True(reply.All(char.IsAsciiDigit));
        Assert.True((await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"{Graph}/{comment}", token, form: new() { ["hide"] = "true" }))).GetProperty("success").GetBoolean());
        var seen = await posts.CommentsAsync("instagram", postId, chiara);
        Assert.Equal((true, reply, "Yes, no fees!"), (seen[0].GetProperty("hidden").GetBoolean(), seen[1].GetProperty("id").GetString(), seen[1].GetProperty("text").GetString()));
        Assert.True((await OkAsync(await posts.ApiAsync(HttpMethod.Delete, $"{Graph}/{reply}?access_token={token}", null))).GetProperty("success").GetBoolean());
        Assert.Single(await posts.CommentsAsync("instagram", postId, chiara));
    }

    [Theory]
    [InlineData("messenger", ChannelKind.Messenger)]
    [InlineData("instagram", ChannelKind.Instagram)]
    public async Task A_private_reply_opens_the_commenters_chat_once_per_comment_within_7_days(string network, ChannelKind kind)
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var (sim, posts, token) = await ClientsAsync(app, kind);
        var brandId = (await SimulatorClient.ConnectionAsync(app, kind)).ExternalId;
        var customer = await sim.NewCustomerAsync(network, "Giulia Rossi");
        var postId = await posts.BrandPostAsync(network);
        var comment = await posts.CommentIdAsync(network, postId, customer, "My card is blocked");
        var old = await posts.CommentIdAsync(network, postId, customer, "An old comment");
        var url = $"{Graph}/{brandId}/messages";

        var sent = await OkAsync(await posts.ApiAsync(HttpMethod.Post, url, token, new { recipient = new { comment_id = comment }, message = new { text = "Hello Giulia, can you tell us your card's last digits?" } }));

        Assert.Equal(customer, sent.GetProperty("recipient_id").GetString());
        var mid = sent.GetProperty("message_id").GetString()!;
        var chat = Assert.Single(await sim.BrandMessagesAsync(network, customer));
        Assert.Equal((mid, "Hello Giulia, can you tell us your card's last digits?"), (chat.GetProperty("id").GetString(), chat.GetProperty("text").GetString()));
        Assert.True((await posts.CommentsAsync(network, postId))[0].GetProperty("privatelyReplied").GetBoolean());

        var again = await posts.ApiAsync(HttpMethod.Post, url, token, new { recipient = new { comment_id = comment }, message = new { text = "Again" } });
        Assert.Equal(10900, await GraphErrorAsync(again, HttpStatusCode.BadRequest));

        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var late = await posts.ApiAsync(HttpMethod.Post, url, token, new { recipient = new { comment_id = old }, message = new { text = "Late" } });
        Assert.Equal(10903, await GraphErrorAsync(late, HttpStatusCode.BadRequest));
        Assert.Equal(100, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, url, token, new { recipient = new { comment_id = "404404" }, message = new { text = "?" } }), HttpStatusCode.BadRequest));
        Assert.Equal(190, await GraphErrorAsync(await posts.ApiAsync(HttpMethod.Post, url, "wrong", new { recipient = new { comment_id = old }, message = new { text = "?" } }), HttpStatusCode.Unauthorized));
        Assert.Single(await sim.BrandMessagesAsync(network, customer));
        Assert.False((await posts.CommentsAsync(network, postId))[1].GetProperty("privatelyReplied").GetBoolean());
    }

    [Fact]
    public async Task X_replies_deletes_hides_and_likes_are_answered_as_the_X_API_does()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var (sim, posts, token) = await ClientsAsync(app, ChannelKind.X);
        var brandId = (await SimulatorClient.ConnectionAsync(app, ChannelKind.X)).ExternalId;
        var sara = await sim.NewCustomerAsync("x", "Sara Colombo");
        var tweetId = await posts.BrandPostAsync("x");
        var customerReply = await posts.CommentIdAsync("x", tweetId, sara, "When will my parcel arrive?");

        var created = (await OkAsync(await posts.ApiAsync(HttpMethod.Post, "/simulator/x/2/tweets", token,
            new { text = "@saracolombo Tomorrow at the latest.", reply = new { in_reply_to_tweet_id = customerReply } }), HttpStatusCode.Created)).GetProperty("data");
        var replyId = created.GetProperty("id").GetString()!;
        Assert.Equal("@saracolombo Tomorrow at the latest.", created.GetProperty("text").GetString());
        Assert.True(replyId.All(char.IsAsciiDigit));
        var thread = await posts.CommentsAsync("x", tweetId);
        Assert.Equal((replyId, true, customerReply), (thread[1].GetProperty("id").GetString(), thread[1].GetProperty("fromBrand").GetBoolean(), thread[1].GetProperty("replyTo").GetString()));

        var hidden = await OkAsync(await posts.ApiAsync(HttpMethod.Put, $"/simulator/x/2/tweets/{customerReply}/hidden", token, new { hidden = true }));
        Assert.True(hidden.GetProperty("data").GetProperty("hidden").GetBoolean());
        Assert.True((await posts.CommentsAsync("x", tweetId))[0].GetProperty("hidden").GetBoolean());
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Put, $"/simulator/x/2/tweets/{replyId}/hidden", token, new { hidden = true }), HttpStatusCode.Forbidden);

        var liked = await OkAsync(await posts.ApiAsync(HttpMethod.Post, $"/simulator/x/2/users/{brandId}/likes", token, new { tweet_id = customerReply }));
        Assert.True(liked.GetProperty("data").GetProperty("liked").GetBoolean());
        Assert.True((await posts.CommentsAsync("x", tweetId))[0].GetProperty("liked").GetBoolean());
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Post, $"/simulator/x/2/users/{sara}/likes", token, new { tweet_id = customerReply }), HttpStatusCode.Forbidden);

        var deleted = await OkAsync(await posts.ApiAsync(HttpMethod.Delete, $"/simulator/x/2/tweets/{replyId}", token));
        Assert.True(deleted.GetProperty("data").GetProperty("deleted").GetBoolean());
        Assert.Single(await posts.CommentsAsync("x", tweetId));
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Delete, $"/simulator/x/2/tweets/{customerReply}", token), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Delete, $"/simulator/x/2/tweets/{replyId}", token), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Post, "/simulator/x/2/tweets", token, new { text = "Hi", reply = new { in_reply_to_tweet_id = "1999" } }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await posts.ApiAsync(HttpMethod.Post, "/simulator/x/2/tweets", "wrong", new { text = "Hi" }), HttpStatusCode.Unauthorized);
        await Expect.StatusAsync(await posts.ApiAsync(HttpMethod.Post, "/simulator/x/2/tweets", token, new { text = new string('a', 281) }), HttpStatusCode.BadRequest);

        var tweet = await OkAsync(await posts.ApiAsync(HttpMethod.Post, "/simulator/x/2/tweets", token, new { text = "Offices are open on Saturday." }), HttpStatusCode.Created);
        Assert.Equal(tweet.GetProperty("data").GetProperty("id").GetString(), (await posts.PostsAsync("x"))[0].GetProperty("id").GetString());
        var calls = (await sim.InspectorAsync()).Where(e => e.GetProperty("direction").GetString() == "api").Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Contains($"/simulator/x/2/tweets/{customerReply}/hidden", calls);
        Assert.Equal(12, calls.Count);
    }

    private static async Task<(SimulatorClient Sim, PostsClient Posts, string Token)> ClientsAsync(ParleyApplication app, ChannelKind kind)
    {
        var client = app.CreateClient();
        return (new SimulatorClient(client), new PostsClient(client), (await SimulatorClient.ConnectionAsync(app, kind)).AccessToken!);
    }
}
