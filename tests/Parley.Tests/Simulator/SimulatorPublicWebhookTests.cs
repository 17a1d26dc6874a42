using System.Net;
using System.Text;
using System.Text.Json;
using Parley.Channels;
using Parley.Channels.Webhooks;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>
/// What a customer does in public on the simulator becomes the platform's signed webhook, caught by a stand-in in
/// Parley's place: Facebook feed changes, Instagram comments and mentions, X tweet_create_events and tweet_delete_events.
/// </summary>
public sealed class SimulatorPublicWebhookTests
{
    [Theory]
    [InlineData("messenger", ChannelKind.Messenger)]
    [InlineData("instagram", ChannelKind.Instagram)]
    [InlineData("x", ChannelKind.X)]
    public async Task A_comment_on_a_brand_post_is_a_signed_webhook_in_the_platforms_format(string network, ChannelKind kind)
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var client = app.CreateClient();
        var (sim, posts) = (new SimulatorClient(client), new PostsClient(client));
        var connection = await SimulatorClient.ConnectionAsync(app, kind);
        var customer = await sim.NewCustomerAsync(network, "Giulia Rossi");
        var postId = await posts.BrandPostAsync(network);

        var sent = await posts.CommentAsync(network, postId, customer, "My parcel RR123 is late!");

        Assert.Equal(200, sent.GetProperty("webhookStatus").GetInt32());
        var commentId = sent.GetProperty("id").GetString()!;
        var webhook = Assert.Single(parley.Requests);
        Assert.Equal("/webhooks/" + network, webhook.Path);
        AssertSigned(kind, connection.AppSecret!, webhook);
        var body = webhook.Json;
        switch (kind)
        {
            case ChannelKind.Messenger:
                Assert.StartsWith(connection.ExternalId + "_", postId, StringComparison.Ordinal);
                Assert.StartsWith(postId.Split('_')[1] + "_", commentId, StringComparison.Ordinal);
                var feed = Change(body, "page", connection.ExternalId, "feed");
                Assert.Equal(("comment", "add", postId, commentId, postId), (Str(feed, "item"), Str(feed, "verb"), Str(feed, "post_id"), Str(feed, "comment_id"), Str(feed, "parent_id")));
                Assert.Equal((customer, "Giulia Rossi"), (Str(feed.GetProperty("from"), "id"), Str(feed.GetProperty("from"), "name")));
                Assert.Equal("My parcel RR123 is late!", Str(feed, "message"));
                Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeSeconds(), feed.GetProperty("created_time").GetInt64());
                Assert.Equal(postId, Str(feed.GetProperty("post"), "id"));
                break;
            case ChannelKind.Instagram:
                var comment = Change(body, "instagram", connection.ExternalId, "comments");
                Assert.True(commentId.All(char.IsAsciiDigit) && postId.All(char.IsAsciiDigit));
                Assert.Equal((commentId, "My parcel RR123 is late!"), (Str(comment, "id"), Str(comment, "text")));
                Assert.Equal((customer, "giuliarossi"), (Str(comment.GetProperty("from"), "id"), Str(comment.GetProperty("from"), "username")));
                Assert.Equal((postId, "FEED"), (Str(comment.GetProperty("media"), "id"), Str(comment.GetProperty("media"), "media_product_type")));
                Assert.False(comment.TryGetProperty("parent_id", out _));
                break;
            default:
                Assert.Equal(connection.ExternalId, Str(body, "for_user_id"));
                var tweet = Assert.Single(body.GetProperty("tweet_create_events").EnumerateArray().ToList());
                Assert.Equal((commentId, "@laposta My parcel RR123 is late!"), (Str(tweet, "id_str"), Str(tweet, "text")));
                Assert.Equal(JsonValueKind.Number, tweet.GetProperty("id").ValueKind);
                Assert.Equal((postId, connection.ExternalId, "laposta"),
                    (Str(tweet, "in_reply_to_status_id_str"), Str(tweet, "in_reply_to_user_id_str"), Str(tweet, "in_reply_to_screen_name")));
                Assert.Equal((customer, "Giulia Rossi", "giuliarossi"), (Str(tweet.GetProperty("user"), "id_str"), Str(tweet.GetProperty("user"), "name"), Str(tweet.GetProperty("user"), "screen_name")));
                var mention = Assert.Single(tweet.GetProperty("entities").GetProperty("user_mentions").EnumerateArray().ToList());
                Assert.Equal((connection.ExternalId, "laposta"), (Str(mention, "id_str"), Str(mention, "screen_name")));
                Assert.Equal([0, 8], mention.GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()));
                break;
        }

        var shown = Assert.Single(await posts.CommentsAsync(network, postId, customer));
        Assert.Equal((commentId, false, 200), (Str(shown, "id"), shown.GetProperty("fromBrand").GetBoolean(), shown.GetProperty("webhookStatus").GetInt32()));
        var logged = Assert.Single(await sim.InspectorAsync());
        Assert.Equal(("webhook", webhook.Body), (Str(logged, "direction"), Str(logged, "request")));
    }

    [Theory]
    [InlineData("messenger", ChannelKind.Messenger)]
    [InlineData("instagram", ChannelKind.Instagram)]
    [InlineData("x", ChannelKind.X)]
    public async Task A_reply_to_a_reply_names_its_thread(string network, ChannelKind kind)
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var client = app.CreateClient();
        var (sim, posts) = (new SimulatorClient(client), new PostsClient(client));
        var giulia = await sim.NewCustomerAsync(network, "Giulia Rossi");
        var marco = await sim.NewCustomerAsync(network, "Marco Bianchi");
        var postId = await posts.BrandPostAsync(network);
        var top = await posts.CommentIdAsync(network, postId, giulia, "Still waiting for my parcel");
        var reply = await posts.CommentIdAsync(network, top, marco, "Me too");

        var last = await posts.CommentIdAsync(network, reply, giulia, "Three days now");

        var value = Last(parley, kind);
        switch (kind)
        {
            case ChannelKind.Messenger:
                // Facebook threads have two levels: a reply to a reply belongs to the top-level comment.
                Assert.Equal((last, top, postId), (Str(value, "comment_id"), Str(value, "parent_id"), Str(value, "post_id")));
                break;
            case ChannelKind.Instagram:
                Assert.Equal((last, top), (Str(value, "id"), Str(value, "parent_id")));
                break;
            default:
                Assert.Equal((last, reply, marco, "marcobianchi"),
                    (Str(value, "id_str"), Str(value, "in_reply_to_status_id_str"), Str(value, "in_reply_to_user_id_str"), Str(value, "in_reply_to_screen_name")));
                break;
        }

        var comments = await posts.CommentsAsync(network, postId);
        Assert.Equal(new string?[] { null, top, top }, comments.Select(c => c.GetProperty("thread").GetString()));
    }

    [Fact]
    public async Task On_Facebook_the_customer_edits_and_deletes_a_comment_and_writes_a_visitor_post()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var client = app.CreateClient();
        var (sim, posts) = (new SimulatorClient(client), new PostsClient(client));
        var page = (await SimulatorClient.ConnectionAsync(app, ChannelKind.Messenger)).ExternalId;
        var giulia = await sim.NewCustomerAsync("messenger", "Giulia Rossi");
        var marco = await sim.NewCustomerAsync("messenger", "Marco Bianchi");
        var postId = await posts.BrandPostAsync("messenger");
        var comment = await posts.CommentIdAsync("messenger", postId, giulia, "Where is my parcel?");

        await Expect.StatusAsync(await posts.EditAsync("messenger", comment, giulia, "Where is my parcel RR123?"), HttpStatusCode.OK);
        var edited = Last(parley, ChannelKind.Messenger);
        Assert.Equal(("edited", comment, "Where is my parcel RR123?"), (Str(edited, "verb"), Str(edited, "comment_id"), Str(edited, "message")));
        Assert.True(Assert.Single(await posts.CommentsAsync("messenger", postId)).GetProperty("edited").GetBoolean());
        await Expect.ProblemAsync(await posts.EditAsync("messenger", comment, marco, "Not mine"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await posts.DeleteAsync("messenger", comment, marco), HttpStatusCode.Forbidden);

        await Expect.StatusAsync(await posts.DeleteAsync("messenger", comment, giulia), HttpStatusCode.OK);
        var removed = Last(parley, ChannelKind.Messenger);
        Assert.Equal(("remove", "comment", comment, postId), (Str(removed, "verb"), Str(removed, "item"), Str(removed, "comment_id"), Str(removed, "post_id")));
        Assert.False(removed.TryGetProperty("message", out _));
        Assert.Empty(await posts.CommentsAsync("messenger", postId));

        var visitor = (await posts.PostAsync("messenger", marco, "Is the Bologna office open on Saturday?")).GetProperty("id").GetString()!;
        var status = Last(parley, ChannelKind.Messenger);
        Assert.StartsWith(page + "_", visitor, StringComparison.Ordinal);
        Assert.Equal(("status", "add", visitor, "Is the Bologna office open on Saturday?", marco),
            (Str(status, "item"), Str(status, "verb"), Str(status, "post_id"), Str(status, "message"), Str(status.GetProperty("from"), "id")));
        Assert.False((await posts.PostsAsync("messenger"))[0].GetProperty("fromBrand").GetBoolean());
        Assert.Equal(4, parley.Requests.Count);
    }

    [Fact]
    public async Task On_X_a_mention_is_a_tweet_and_a_deleted_tweet_a_delete_event_and_on_Instagram_a_caption_mention_a_mentions_change()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var client = app.CreateClient();
        var (sim, posts) = (new SimulatorClient(client), new PostsClient(client));
        var x = await SimulatorClient.ConnectionAsync(app, ChannelKind.X);
        var instagram = await SimulatorClient.ConnectionAsync(app, ChannelKind.Instagram);
        var sara = await sim.NewCustomerAsync("x", "Sara Colombo");
        var chiara = await sim.NewCustomerAsync("instagram", "Chiara Romano");

        var tweet = (await posts.PostAsync("x", sara, "my card is blocked, help")).GetProperty("id").GetString()!;
        var created = Last(parley, ChannelKind.X);
        Assert.Equal((tweet, "@laposta my card is blocked, help"), (Str(created, "id_str"), Str(created, "text")));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("in_reply_to_status_id_str").ValueKind);
        Assert.Equal(x.ExternalId, Str(created.GetProperty("entities").GetProperty("user_mentions")[0], "id_str"));
        await Expect.ProblemAsync(await posts.EditAsync("x", tweet, sara, "edited"), HttpStatusCode.Conflict);

        await Expect.StatusAsync(await posts.DeleteAsync("x", tweet, sara), HttpStatusCode.OK);
        var deleted = parley.To("/webhooks/x")[^1].Json;
        Assert.Equal(x.ExternalId, Str(deleted, "for_user_id"));
        var status = deleted.GetProperty("tweet_delete_events")[0].GetProperty("status");
        Assert.Equal((tweet, sara), (Str(status, "id"), Str(status, "user_id")));

        var media = (await posts.PostAsync("instagram", chiara, "Queue at the post office again")).GetProperty("id").GetString()!;
        var mention = Change(parley.To("/webhooks/instagram")[^1].Json, "instagram", instagram.ExternalId, "mentions");
        Assert.Equal(media, Str(mention, "media_id"));
        Assert.False(mention.TryGetProperty("comment_id", out _));

        var postId = await posts.BrandPostAsync("instagram");
        var comment = await posts.CommentIdAsync("instagram", postId, chiara, "Nice");
        var before = parley.Requests.Count;
        await Expect.ProblemAsync(await posts.EditAsync("instagram", comment, chiara, "Edited"), HttpStatusCode.Conflict);
        await Expect.StatusAsync(await posts.DeleteAsync("instagram", comment, chiara), HttpStatusCode.OK);
        Assert.Equal(before, parley.Requests.Count);
        Assert.Empty(await posts.CommentsAsync("instagram", postId));
    }

    [Fact]
    public async Task The_page_refuses_unknown_networks_customers_posts_and_empty_comments()
    {
        await using var parley = await PlatformStandIn.StartAsync();
        await using var app = SimulatorWebhookTests.Simulator(parley);
        var client = app.CreateClient();
        var (sim, posts) = (new SimulatorClient(client), new PostsClient(client));
        var customer = await sim.NewCustomerAsync("messenger");
        var postId = await posts.BrandPostAsync("messenger");

        await Expect.ProblemAsync(await client.GetAsync("/simulator/api/posts?network=whatsapp"), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await client.PostAsync($"/simulator/api/posts/messenger/{postId}/comments", Json(new { customerId = "12345678", text = "Hi" })), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await client.PostAsync($"/simulator/api/posts/messenger/999_999/comments", Json(new { customerId = customer, text = "Hi" })), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await client.PostAsync($"/simulator/api/posts/messenger/{postId}/comments", Json(new { customerId = customer, text = "  " })), HttpStatusCode.BadRequest);
        Assert.Empty(parley.Requests);
        var picture = await client.GetAsync(new Uri((await posts.PostsAsync("messenger"))[0].GetProperty("mediaUrl").GetString()!, UriKind.Relative));
        await Expect.StatusAsync(picture, HttpStatusCode.OK);
        Assert.Equal("image/svg+xml", picture.Content.Headers.ContentType?.MediaType);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static void AssertSigned(ChannelKind kind, string secret, RecordedRequest webhook)
    {
        var bytes = Encoding.UTF8.GetBytes(webhook.Body);
        Assert.True(kind == ChannelKind.X
            ? WebhookSignature.IsValidBase64(secret, bytes, webhook.Headers["x-twitter-webhooks-signature"])
            : WebhookSignature.IsValidHex(secret, bytes, webhook.Headers["X-Hub-Signature-256"]), "signed with the app secret");
    }

    /// <summary>The one change of a Meta webhook: object, entry id, time in seconds, field; returns its value.</summary>
    private static JsonElement Change(JsonElement body, string objectName, string entryId, string field)
    {
        Assert.Equal(objectName, Str(body, "object"));
        var entry = Assert.Single(body.GetProperty("entry").EnumerateArray().ToList());
        Assert.Equal(entryId, Str(entry, "id"));
        Assert.Equal(JsonValueKind.Number, entry.GetProperty("time").ValueKind);
        var change = Assert.Single(entry.GetProperty("changes").EnumerateArray().ToList());
        Assert.Equal(field, Str(change, "field"));
        return change.GetProperty("value");
    }

    /// <summary>The last webhook's event: a feed or comments change's value, or the tweet.</summary>
    private static JsonElement Last(PlatformStandIn parley, ChannelKind kind)
    {
        var body = parley.Requests.Last().Json;
        return kind == ChannelKind.X
            ? body.GetProperty("tweet_create_events")[0]
            : body.GetProperty("entry")[0].GetProperty("changes")[0].GetProperty("value");
    }

    private static string? Str(JsonElement element, string property) => element.GetProperty(property).GetString();
}
