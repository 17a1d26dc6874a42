using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

/// <summary>tweet_create_events and tweet_delete_events: mentions and replies become public conversations, one per customer and root tweet.</summary>
public sealed class XTweetTests
{
    public static string Tweet(string id, string userId, string text, string? replyTo = null, string? replyToUser = null, bool mention = true, bool retweet = false) =>
        $$"""
        {"created_at": "Mon Dec 01 10:00:00 +0000 2026", "id": {{id}}, "id_str": "{{id}}", "text": {{JsonSerializer.Serialize(text)}}, "truncated": false,
         "in_reply_to_status_id_str": {{(replyTo is null ? "null" : $"\"{replyTo}\"")}}, "in_reply_to_user_id_str": {{(replyToUser is null ? "null" : $"\"{replyToUser}\"")}},
         "in_reply_to_screen_name": {{(replyToUser is null ? "null" : "\"laposta\"")}},
         "user": {"id": {{userId}}, "id_str": "{{userId}}", "name": "{{(userId == XChannel.AccountId ? "La Posta" : "Jordan Brinks")}}", "screen_name": "{{(userId == XChannel.AccountId ? "laposta" : "furiouscamper")}}"},
         "entities": {"hashtags": [], "urls": [], "user_mentions": [{{(mention ? $"{{\"id_str\": \"{XChannel.AccountId}\", \"screen_name\": \"laposta\"}}" : "")}}]},
         {{(retweet ? "\"retweeted_status\": {\"id_str\": \"1\"}," : "")}}
         "timestamp_ms": "1764583200000"}
        """;

    public static string Created(params string[] tweets) =>
        $$"""{"for_user_id": "{{XChannel.AccountId}}", "tweet_create_events": [{{string.Join(",", tweets)}}]}""";

    public static string Deleted(string id, string userId) =>
        $$"""{"for_user_id": "{{XChannel.AccountId}}", "tweet_delete_events": [{"status": {"id": "{{id}}", "user_id": "{{userId}}"}, "timestamp_ms": "1764583300000"}]}""";

    [Theory, OnSqlite, OnPostgres]
    public async Task Mentions_and_replies_thread_by_root_tweet_apart_from_the_customers_dms(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        var customer = XPayloads.Customer;
        await x.PostOkAsync(Created(Tweet("500", XChannel.AccountId, "Our new parcel lockers are live", mention: false)));
        var mention = Created(Tweet("601", customer, "@laposta my parcel is late"));
        await x.PostOkAsync(mention);
        await x.PostOkAsync(mention);
        await x.PostOkAsync(Created(
            Tweet("602", customer, "@laposta hello?", replyTo: "601", replyToUser: customer),
            Tweet("603", customer, "@laposta the locker is broken", replyTo: "500", replyToUser: XChannel.AccountId),
            Tweet("604", customer, "RT @laposta", retweet: true),
            Tweet("605", "999", "talking about something else", mention: false),
            Tweet("606", XChannel.AccountId, "@furiouscamper sorry!", replyTo: "601", replyToUser: customer)));
        await x.PostOkAsync(XPayloads.FromCustomer("7001", "Here is my tracking number"));

        var conversations = await x.App.DbAsync(db => db.Conversations.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
        Assert.Equal([true, true, false], conversations.Select(c => c.IsPublic));
        var posts = await x.App.DbAsync(db => db.SocialPosts.AsNoTracking().ToDictionaryAsync(p => p.Id));
        Assert.Equal(("601", false, "@laposta my parcel is late"), (posts[conversations[0].PostId!.Value].PlatformPostId, posts[conversations[0].PostId!.Value].ByBrand, posts[conversations[0].PostId!.Value].Text));
        Assert.Equal(("500", true, "Our new parcel lockers are live"), (posts[conversations[1].PostId!.Value].PlatformPostId, posts[conversations[1].PostId!.Value].ByBrand, posts[conversations[1].PostId!.Value].Text));
        Assert.Equal(["601", "602"], (await x.App.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversations[0].Id && m.AuthorKind == AuthorKind.Customer)
            .OrderBy(m => m.Seq).Select(m => m.ChannelMessageId).ToListAsync())));
        Assert.Equal(["Here is my tracking number"], (await x.App.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversations[2].Id && m.AuthorKind == AuthorKind.Customer)
            .Select(m => m.Text).ToListAsync())));
        Assert.False(await x.App.DbAsync(db => db.Messages.AnyAsync(m => m.ChannelMessageId == "604" || m.ChannelMessageId == "605" || m.ChannelMessageId == "606")));
    }

    [Fact]
    public async Task A_deleted_mention_nobody_answered_leaves_the_queue()
    {
        await using var x = await XChannel.StartAsync();
        await x.PostOkAsync(Created(Tweet("701", XPayloads.Customer, "@laposta worst service ever")));
        await Expect.UntilAsync(async () => await x.App.DbAsync(db => db.Conversations.AnyAsync(c => c.IsPublic && c.Status == ConversationStatus.Queued)), "queued");

        await x.PostOkAsync(Deleted("701", XPayloads.Customer));
        await x.PostOkAsync(Deleted("701", XPayloads.Customer));

        var conversation = await x.App.DbAsync(db => db.Conversations.AsNoTracking().SingleAsync());
        Assert.Equal(ConversationStatus.Resolved, conversation.Status);
        Assert.NotNull((await x.MessagesAsync()).Single(m => m.ChannelMessageId == "701").DeletedAt);
    }

    [Fact]
    public async Task Malformed_tweets_are_refused_with_a_400_and_store_nothing()
    {
        await using var x = await XChannel.StartAsync();
        await Expect.ProblemAsync(await x.PostAsync($$$"""{"for_user_id": "{{{XChannel.AccountId}}}", "tweet_create_events": {"id_str": "1"}}"""), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await x.PostAsync(Created("""{"id_str": "1", "text": "no user"}""")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await x.PostAsync(Created(Tweet("801", XPayloads.Customer, "@laposta fine"), "42")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await x.PostAsync($$$"""{"for_user_id": "{{{XChannel.AccountId}}}", "tweet_delete_events": [{"status": {}}]}"""), HttpStatusCode.BadRequest);
        var response = await TestConnections.PostSignedAsync(x.Client, XChannel.Path, Created(Tweet("802", XPayloads.Customer, "@laposta hi")), "wrong-secret", x: true);
        await Expect.ProblemAsync(response, HttpStatusCode.Unauthorized);

        Assert.Empty(await x.MessagesAsync());
        Assert.Equal(0, await x.App.DbAsync(db => db.SocialPosts.CountAsync()));
        Assert.Empty(x.App.LoggedErrors);
    }
}
