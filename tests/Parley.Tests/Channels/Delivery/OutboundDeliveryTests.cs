using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Delivery;

public sealed class OutboundDeliveryTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Each_conversation_gets_its_messages_in_order_and_each_message_once(DatabaseProvider provider)
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication(provider) { TestServices = PushChannel.With(platform) };
        var inbox = await PushChannel.InboxAsync(app);
        var conversations = await PushChannel.ConversationsAsync(app, inbox, 6);
        foreach (var round in Enumerable.Range(1, 5))
        {
            foreach (var id in conversations)
            {
                await PushChannel.AddAsync(app, id, $"reply {round}a", $"reply {round}b");
            }
        }

        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Count >= 6 * 11), "every message sent");
        await PushChannel.UntilSettledAsync(app);

        Assert.Equal(66, platform.Accepted.Count);
        Assert.Equal(66, platform.Accepted.Select(s => s.MessageId).Distinct().Count());
        foreach (var conversation in platform.Accepted.GroupBy(s => s.ConversationId))
        {
            var seqs = conversation.Select(s => s.Seq).ToList();
            Assert.Equal(seqs.Order(), seqs);
            Assert.Equal("Hello from the bot", conversation.First().Text);
        }

        var messages = await app.DbAsync(db => db.Messages.Where(m => m.InboxId == inbox.Id).ToListAsync());
        Assert.All(messages, m => Assert.Equal((DeliveryStatus.Sent, $"provider-{m.Id}"), (m.DeliveryStatus, m.ChannelMessageId)));
        Assert.True(await app.DbAsync(db => db.Deliveries.AllAsync(d => d.Status == DeliveryState.Sent && d.Attempts == 1 && d.LeaseUntil == null)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_with_more_messages_than_one_lease_goes_on_lease_after_lease_in_order(DatabaseProvider provider)
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication(provider) { TestServices = PushChannel.With(platform), Settings = { ["Channels:Delivery:PerConversation"] = "2" } };
        var inbox = await PushChannel.InboxAsync(app);
        var conversations = await PushChannel.ConversationsAsync(app, inbox, 3);
        await PushChannel.UntilSettledAsync(app);
        string[] replies = [.. Enumerable.Range(1, 9).Select(n => $"reply {n}")];
        foreach (var id in conversations)
        {
            await PushChannel.AddAsync(app, id, replies);
        }

        await PushChannel.UntilSettledAsync(app);
        Assert.Equal(30, platform.Accepted.Count);
        Assert.All(platform.Accepted.GroupBy(s => s.ConversationId), c => Assert.Equal(["Hello from the bot", .. replies], c.Select(s => s.Text)));
        Assert.True(await app.DbAsync(db => db.Deliveries.AllAsync(d => d.Status == DeliveryState.Sent && d.Attempts == 1 && d.LeaseUntil == null)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Two_nodes_on_one_database_never_send_the_same_message_twice(DatabaseProvider provider)
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<RecordingConnector.Sent>();
        await using var database = TestDatabase.Create(provider);
        var settings = new Dictionary<string, string?> { ["Channels:Delivery:MaxConversations"] = "4", ["Channels:Delivery:PerConversation"] = "3" };
        await using var first = new ParleyApplication(database) { TestServices = PushChannel.With(new RecordingConnector(log: log, name: "first")), Settings = settings };
        await using var second = new ParleyApplication(database) { TestServices = PushChannel.With(new RecordingConnector(log: log, name: "second")), Settings = settings };
        var inbox = await PushChannel.InboxAsync(first);
        _ = second.Services;
        var conversations = await PushChannel.ConversationsAsync(first, inbox, 20);
        foreach (var round in Enumerable.Range(1, 5))
        {
            foreach (var id in conversations)
            {
                await PushChannel.AddAsync(round % 2 == 0 ? first : second, id, $"reply {round}a", $"reply {round}b");
            }
        }

        await Expect.UntilAsync(() => Task.FromResult(log.Count >= 220), "every message sent", TimeSpan.FromSeconds(60));
        await Task.Delay(500);

        Assert.Equal(220, log.Count);
        Assert.Equal(220, log.Select(s => s.MessageId).Distinct().Count());
        Assert.All(log.GroupBy(s => s.ConversationId), c => Assert.Equal(c.Select(s => s.Seq).Order(), c.Select(s => s.Seq)));
        Assert.Equal(["first", "second"], log.Select(s => s.Node).Distinct().Order());
    }

    [Fact]
    public async Task A_node_that_stopped_in_the_middle_of_a_send_is_taken_over_when_its_lease_runs_out()
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<RecordingConnector.Sent>();
        var hung = new TaskCompletionSource();
        var stalled = new RecordingConnector(log: log, name: "stalled") { Hold = _ => hung.Task };
        await using var database = TestDatabase.Create(DatabaseProvider.Sqlite);
        var clock = new TestClock();
        await using var first = new ParleyApplication(database, clock) { TestServices = PushChannel.With(stalled) };
        var inbox = await PushChannel.InboxAsync(first);
        var conversation = (await PushChannel.ConversationsAsync(first, inbox, 1))[0];
        await Expect.UntilAsync(() => first.DbAsync(db => db.Deliveries.AnyAsync(d => d.LeaseUntil != null)), "the first node leased the greeting");

        await using var second = new ParleyApplication(database, clock) { TestServices = PushChannel.With(new RecordingConnector(log: log, name: "second")) };
        _ = second.Services;
        await Task.Delay(300);
        Assert.Empty(log);

        clock.Advance(TimeSpan.FromMinutes(3));
        second.Service<OutboundSignal>().Ring();
        await Expect.UntilAsync(() => Task.FromResult(!log.IsEmpty), "the second node sent it");

        // The first node wakes up and its platform call succeeds after all: its lease is gone, so its word is ignored.
        hung.SetResult();
        await first.Service<DeliverySettler>().FlushAsync();
        await second.Service<DeliverySettler>().FlushAsync();
        var delivery = await second.DbAsync(db => db.Deliveries.SingleAsync(d => d.ConversationId == conversation));
        Assert.Equal((DeliveryState.Sent, 1), (delivery.Status, delivery.Attempts));
        Assert.Equal("second", log.First().Node);
    }

    [Fact]
    public async Task A_conversation_that_must_wait_holds_up_only_itself_and_keeps_its_order()
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication { TestServices = PushChannel.With(platform) };
        var inbox = await PushChannel.InboxAsync(app);
        long? stuck = null;
        platform.Answer = m => m.Message.ConversationId == stuck ? SendResult.Retry("Platform unavailable (503)") : null;
        var conversations = await PushChannel.ConversationsAsync(app, inbox, 3);
        await PushChannel.UntilSettledAsync(app);
        stuck = conversations[0];

        foreach (var id in conversations)
        {
            await PushChannel.AddAsync(app, id, "first", "second");
        }

        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Count(s => s.Text != "Hello from the bot") == 4), "the other conversations sent");
        // The greeting was sent at its first attempt too: what is awaited is the first refusal, still pending.
        await PushChannel.UntilSettledAsync(app, db => db.Deliveries.AnyAsync(d => d.ConversationId == stuck && d.Status == DeliveryState.Pending && d.Attempts == 1));

        Assert.DoesNotContain(platform.Accepted, s => s.ConversationId == stuck && s.Text != "Hello from the bot");
        var waiting = await app.DbAsync(db => db.Deliveries.Where(d => d.ConversationId == stuck && d.Status == DeliveryState.Pending).OrderBy(d => d.Id).ToListAsync());
        Assert.Equal(2, waiting.Count);
        Assert.Equal((1, "Platform unavailable (503)"), (waiting[0].Attempts, waiting[0].LastError));
        Assert.True(waiting[0].NextAttemptAt > app.Clock.GetUtcNow().UtcDateTime, "the first waits with backoff");
        Assert.Equal((0, (DateTime?)null), (waiting[1].Attempts, waiting[1].LeaseUntil));

        // The platform is back and the backoff is over: both go, in order, once.
        stuck = null;
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        app.Service<OutboundSignal>().Ring();
        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Count(s => s.ConversationId == conversations[0]) == 3), "the waiting conversation sent");
        Assert.Equal(["Hello from the bot", "first", "second"], platform.Accepted.Where(s => s.ConversationId == conversations[0]).Select(s => s.Text));
    }

    [Fact]
    public async Task The_platforms_retry_after_is_honoured()
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication { TestServices = PushChannel.With(platform) };
        var inbox = await PushChannel.InboxAsync(app);
        var throttled = true;
        platform.Answer = _ => throttled ? SendResult.Retry("Too many requests (429)", TimeSpan.FromMinutes(20), connectionPaused: true) : null;

        var conversation = (await PushChannel.ConversationsAsync(app, inbox, 1))[0];
        await PushChannel.UntilSettledAsync(app, db => db.Deliveries.AnyAsync(d => d.Attempts == 1));

        var delivery = await app.DbAsync(db => db.Deliveries.SingleAsync());
        Assert.True(delivery.NextAttemptAt >= app.Clock.GetUtcNow().UtcDateTime.AddMinutes(20), $"next attempt at {delivery.NextAttemptAt:O}, asked 20 min");

        // Ten minutes later (the backoff alone would be 1 to 2 s) nothing more has been tried.
        throttled = false;
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        app.Service<OutboundSignal>().Ring();
        await Task.Delay(300);
        Assert.Equal(1, platform.Calls);

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        app.Service<OutboundSignal>().Ring();
        await PushChannel.UntilSettledAsync(app);
        Assert.Equal(2, platform.Calls);
        Assert.Single(platform.Accepted, s => s.ConversationId == conversation);
    }

    [Fact]
    public async Task A_permanent_error_fails_the_message_with_the_platforms_reason_and_the_next_one_goes()
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication { TestServices = PushChannel.With(platform) };
        var inbox = await PushChannel.InboxAsync(app);
        platform.Answer = m => m.Message.Text == "unreachable" ? SendResult.Fail("(#551) This person isn't available right now.") : null;
        var conversation = (await PushChannel.ConversationsAsync(app, inbox, 1))[0];
        var seen = app.Service<ConversationEventHub>().SubscribeAccount(inbox.AccountId);

        await PushChannel.AddAsync(app, conversation, "unreachable", "after");
        await PushChannel.UntilSettledAsync(app, db => db.Messages.AnyAsync(m => m.Text == "after" && m.DeliveryStatus == DeliveryStatus.Sent));

        var failed = await app.DbAsync(db => db.Messages.SingleAsync(m => m.Text == "unreachable"));
        Assert.Equal((DeliveryStatus.Failed, "(#551) This person isn't available right now."), (failed.DeliveryStatus, failed.FailureReason));
        Assert.Equal(["Hello from the bot", "after"], platform.Accepted.Select(s => s.Text));
        await Expect.UntilAsync(async () =>
        {
            while (seen.Reader.TryRead(out var e))
            {
                if (e is DeliveryChanged { Status: DeliveryStatus.Failed } changed && changed.MessageId == failed.Id)
                {
                    return changed.FailureReason == failed.FailureReason;
                }
            }

            await Task.Delay(20);
            return false;
        }, "the consoles told of the failure");
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_given_up_after_the_configured_attempts()
    {
        var platform = new RecordingConnector { Answer = _ => SendResult.Retry("Service temporarily unavailable") };
        await using var app = new ParleyApplication { TestServices = PushChannel.With(platform), Settings = { ["Channels:Delivery:MaxAttempts"] = "3" } };
        var inbox = await PushChannel.InboxAsync(app);
        await PushChannel.ConversationsAsync(app, inbox, 1);

        // Each retry falls due as the clock passes its backoff (2 s, then 4 s, with jitter).
        await PushChannel.UntilSettledAsync(app, async db =>
        {
            app.Clock.Advance(TimeSpan.FromSeconds(5));
            app.Service<OutboundSignal>().Ring();
            return await db.Deliveries.AllAsync(d => d.Status != DeliveryState.Pending);
        });

        Assert.Equal(3, platform.Calls);
        var message = await app.DbAsync(db => db.Messages.SingleAsync(m => m.InboxId == inbox.Id));
        Assert.Equal((DeliveryStatus.Failed, "Gave up after 3 attempts: Service temporarily unavailable"), (message.DeliveryStatus, message.FailureReason));
    }

    [Fact]
    public async Task A_connection_is_held_to_its_send_rate()
    {
        var platform = new RecordingConnector();
        await using var app = new ParleyApplication { TestServices = PushChannel.With(platform) };
        var inbox = await PushChannel.InboxAsync(app);
        await app.DbAsync(async db =>
        {
            db.Connections.Add(new Connection
            {
                InboxId = inbox.Id, Kind = inbox.Channel, ExternalId = "rate-test", Enabled = true, RatePerSecond = 20,
                SettingsJson = "{}", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });

        var started = DateTime.UtcNow;
        await PushChannel.ConversationsAsync(app, inbox, 50);
        await Expect.UntilAsync(() => Task.FromResult(platform.Accepted.Count == 50), "every greeting sent", TimeSpan.FromSeconds(30));

        // 50 calls at 20 per second, with a bucket of one refill (a token): at least 2.4 s, whatever the machine's speed.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2.4), $"50 sends took {DateTime.UtcNow - started}");
    }
}
