using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

/// <summary>Public replies, moderation and the invitation to a DM on X, against the X API stand-in.</summary>
public sealed class XPublicRepliesTests
{
    private static void AnswerTweets(XChannel x) => x.Api.Respond = r => r switch
    {
        { Method: "POST", Path: "/2/tweets" } => new StandInResponse(201, System.Text.Json.JsonSerializer.Serialize(new { data = new { id = $"7700{x.Api.To("/2/tweets").Count}", text = "ok" } })),
        { Path: var p } when p.EndsWith("/messages", StringComparison.Ordinal) => x.Accepted(),
        { Method: "PUT" } => StandInResponse.Ok(new { data = new { hidden = true } }),
        { Method: "DELETE" } => StandInResponse.Ok(new { data = new { deleted = true } }),
        _ => StandInResponse.Ok(new { data = new { liked = true } }),
    };

    private static async Task<(Conversation Conversation, Message Tweet)> MentionAsync(XChannel x)
    {
        await x.PostOkAsync(XTweetTests.Created(XTweetTests.Tweet("601", XPayloads.Customer, "@laposta my parcel is late")));
        var conversation = await Expect.ResultAsync(async () => await x.App.DbAsync(db => db.Conversations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.IsPublic && c.Status == ConversationStatus.Queued)), "the thread queued");
        return (conversation, (await x.MessagesAsync()).Single(m => m.ChannelMessageId == "601"));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_reply_is_a_tweet_in_reply_and_moderation_calls_the_v2_endpoints(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        AnswerTweets(x);
        var (conversation, tweet) = await MentionAsync(x);
        var luca = await x.App.AdvisorAsync("luca@parley.local");

        Assert.True((await x.App.Service<ConversationActions>().ReplyAsync(luca, conversation.Id, "Sorry! Checking now.", CancellationToken.None)).Ok);
        await Expect.UntilAsync(async () => (await x.MessagesAsync()).Any(m => m.ChannelMessageId == "77001"), "the reply's tweet id stored");
        var call = Assert.Single(x.Api.To("/2/tweets"));
        Assert.Equal(("Sorry! Checking now.\n\n— Luca", "601"),
            (call.Json.GetProperty("text").GetString(), call.Json.GetProperty("reply").GetProperty("in_reply_to_tweet_id").GetString()));
        Assert.Empty(x.Sent);
        var reply = (await x.MessagesAsync()).Single(m => m.ChannelMessageId == "77001");

        // The account's own reply, echoed by the webhook, is not stored twice.
        await x.PostOkAsync(XTweetTests.Created(XTweetTests.Tweet("77001", XChannel.AccountId, "@furiouscamper Sorry! Checking now.", replyTo: "601", replyToUser: XPayloads.Customer)));
        Assert.Single(await x.MessagesAsync(), m => m.ChannelMessageId == "77001");

        var moderation = x.App.Service<PublicModeration>();
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, tweet.Id, PublicAction.Hide, CancellationToken.None)).Ok);
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, tweet.Id, PublicAction.Like, CancellationToken.None)).Ok);
        Assert.True((await moderation.ModerateAsync(luca, conversation.Id, reply.Id, PublicAction.Delete, CancellationToken.None)).Ok);
        var calls = x.Api.Requests.Where(r => r.Path != "/2/tweets").Select(r => (r.Method, r.Path, r.Body)).ToList();
        Assert.Equal([("PUT", "/2/tweets/601/hidden", """{"hidden":true}"""), ("POST", $"/2/users/{XChannel.AccountId}/likes", """{"tweet_id":"601"}"""),
            ("DELETE", "/2/tweets/77001", "")], calls);
        Assert.Contains(await x.MessagesAsync(), m => m.Text == "Luca hid the customer's comment on X.");

        x.Api.Respond = _ => new StandInResponse(403, """{"title": "Forbidden", "detail": "You are not permitted to hide this reply.", "status": 403}""");
        var refused = await moderation.ModerateAsync(luca, conversation.Id, tweet.Id, PublicAction.Unhide, CancellationToken.None);
        Assert.Equal("X refused (403): You are not permitted to hide this reply.", refused.Error);
    }

    [Fact]
    public async Task Reply_in_private_invites_to_a_dm_in_public_and_the_dm_lands_in_the_linked_conversation()
    {
        await using var x = await XChannel.StartAsync();
        AnswerTweets(x);
        var (conversation, tweet) = await MentionAsync(x);
        var luca = await x.App.AdvisorAsync("luca@parley.local");
        var moderation = x.App.Service<PublicModeration>();

        Assert.True((await moderation.ReplyInPrivateAsync(luca, conversation.Id, tweet.Id, null, CancellationToken.None)).Ok);
        await Expect.UntilAsync(() => Task.FromResult(x.Api.To("/2/tweets").Count == 1), "the invitation");
        var invite = x.Api.To("/2/tweets")[0].Json;
        Assert.Equal("We'd like to help you further in private: please send us a direct message.\n\n— Luca", invite.GetProperty("text").GetString());
        Assert.Equal("601", invite.GetProperty("reply").GetProperty("in_reply_to_tweet_id").GetString());
        Assert.Contains("already invited", (await moderation.ReplyInPrivateAsync(luca, conversation.Id, tweet.Id, null, CancellationToken.None)).Error, StringComparison.Ordinal);

        await x.PostOkAsync(XPayloads.FromCustomer("7001", "Here is my tracking number"));
        var all = await x.App.DbAsync(db => db.Conversations.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
        var (pub, dm) = (all.Single(c => c.IsPublic), all.Single(c => !c.IsPublic));
        Assert.Equal((dm.Id, pub.Id), (pub.LinkedConversationId, dm.LinkedConversationId));
        await Expect.UntilAsync(async () => (await x.MessagesAsync()).Any(m => m.ChannelMessageId == "7001" && m.ConversationId == dm.Id), "the DM in the linked conversation");
    }
}
