using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.X;

public sealed class XConversationTests
{
    private const string NumberedTopics = "1. Parcels\n2. Bank\n3. Mobile\nReply with the number or the name.";

    [Theory, OnSqlite, OnPostgres]
    public async Task A_dm_gets_the_topics_as_a_numbered_list_and_the_number_or_the_title_routes_it(DatabaseProvider provider)
    {
        await using var x = await XChannel.StartAsync(provider);
        const string other = "2244994945";

        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await x.PostOkAsync(XPayloads.Events(XPayloads.Dm("2001", other, XChannel.AccountId, "Hi")));
        await Expect.UntilAsync(() => Task.FromResult(x.TextsTo(XPayloads.Customer).Count == 1 && x.TextsTo(other).Count == 1), "the topic lists sent");

        var topics = x.TextsTo(XPayloads.Customer)[0];
        Assert.EndsWith("\n\n" + NumberedTopics, topics);
        var call = x.Sent[0];
        Assert.Equal("Bearer " + TestConnections.AccessToken, call.Headers["Authorization"]);
        Assert.Equal("POST", call.Method);

        await x.PostOkAsync(XPayloads.FromCustomer("1002", "2"));
        await x.PostOkAsync(XPayloads.Events(XPayloads.Dm("2002", other, XChannel.AccountId, "bank")));

        foreach (var user in new[] { XPayloads.Customer, other })
        {
            await Expect.UntilAsync(async () => (await x.ConversationOfAsync(user)).QueueId is not null, "handed over");
            var conversation = await x.ConversationOfAsync(user);
            var queue = await x.App.DbAsync(db => db.Queues.Where(q => q.Id == conversation.QueueId).Select(q => q.Name).SingleAsync());
            Assert.Equal("Bank", queue);
        }
    }

    [Fact]
    public async Task An_advisor_reply_is_sent_signed_and_its_dm_event_id_recorded()
    {
        await using var x = await XChannel.StartAsync();
        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await Expect.UntilAsync(() => Task.FromResult(x.TextsTo(XPayloads.Customer).Count == 1), "the topic list sent");
        var conversation = await x.ConversationOfAsync(XPayloads.Customer);

        await PushChannel.AddAsync(x.App, conversation.Id, "Your parcel left Milan this morning.");
        await Expect.UntilAsync(() => Task.FromResult(x.TextsTo(XPayloads.Customer).Count == 2), "the reply sent");

        Assert.Equal("Your parcel left Milan this morning.\n\n— Marie", x.TextsTo(XPayloads.Customer)[1]);
        await PushChannel.UntilSettledAsync(x.App);
        var reply = (await x.MessagesAsync()).Single(m => m.Text == "Your parcel left Milan this morning.");
        Assert.Equal((DeliveryStatus.Sent, "900000002"), (reply.DeliveryStatus, reply.ChannelMessageId));
    }

    [Fact]
    public async Task A_rate_limited_send_waits_until_the_limit_resets_and_is_delivered_once()
    {
        await using var x = await XChannel.StartAsync();
        var reset = x.App.Clock.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds();
        var limited = true;
        x.Api.Respond = r => limited
            ? new StandInResponse(429, """{"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}""",
                new Dictionary<string, string> { ["x-rate-limit-reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture), ["x-rate-limit-remaining"] = "0" })
            : x.Accepted();

        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await PushChannel.UntilSettledAsync(x.App, db => db.Deliveries.AnyAsync(d => d.Attempts == 1));
        var delivery = await x.App.DbAsync(db => db.Deliveries.SingleAsync());
        Assert.True(delivery.NextAttemptAt >= x.App.Clock.GetUtcNow().UtcDateTime.AddMinutes(14), $"next attempt at {delivery.NextAttemptAt:O}, reset in 15 min");
        Assert.Contains("Too Many Requests", delivery.LastError, StringComparison.Ordinal);

        // Before the reset nothing more is tried; after it, the DM goes once.
        limited = false;
        x.App.Clock.Advance(TimeSpan.FromMinutes(10));
        x.App.Service<OutboundSignal>().Ring();
        await Task.Delay(300);
        Assert.Single(x.Sent);

        x.App.Clock.Advance(TimeSpan.FromMinutes(6));
        x.App.Service<OutboundSignal>().Ring();
        await PushChannel.UntilSettledAsync(x.App);
        Assert.Equal(2, x.Sent.Count);
        var topics = (await x.MessagesAsync()).Single(m => m.AuthorKind == AuthorKind.Bot);
        Assert.Equal((DeliveryStatus.Sent, "900000001"), (topics.DeliveryStatus, topics.ChannelMessageId));
    }

    [Fact]
    public async Task A_user_who_cannot_receive_dms_fails_the_message_with_xs_reason()
    {
        await using var x = await XChannel.StartAsync();
        x.Api.Respond = _ => new StandInResponse(403, """
            {"detail": "You are not permitted to send Direct Messages to this user.", "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
             "title": "Forbidden", "status": 403}
            """);

        await x.PostOkAsync(XPayloads.FromCustomer("1001", "Hello"));
        await PushChannel.UntilSettledAsync(x.App, db => db.Messages.AnyAsync(m => m.DeliveryStatus == DeliveryStatus.Failed));

        var topics = (await x.MessagesAsync()).Single(m => m.AuthorKind == AuthorKind.Bot);
        Assert.Equal(DeliveryStatus.Failed, topics.DeliveryStatus);
        Assert.Equal("X answered 403: You are not permitted to send Direct Messages to this user.", topics.FailureReason);
        Assert.Single(x.Sent);
    }
}
