using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Messenger;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Webhooks;

/// <summary>
/// Signed webhooks are answered once journaled and processed in the background: an answered webhook is never lost (a
/// node that stops before processing it is taken over), a customer's events keep their order, and a webhook that fails
/// for now is retried while one that can never be processed is kept with its error.
/// </summary>
public sealed class WebhookJournalTests
{
    private const string PageId = "100200300400577";

    [Theory, OnSqlite, OnPostgres]
    public async Task An_answered_webhook_is_stored_by_another_node_when_the_one_that_answered_stops_first(DatabaseProvider provider)
    {
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        await using var database = TestDatabase.Create(provider);
        var clock = new TestClock();
        Dictionary<string, string?> settings = new()
        {
            ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString(),
            ["Channels:Webhooks:Lease"] = "00:00:03",
            ["Channels:Webhooks:SweepInterval"] = "00:00:00.200",
            ["Channels:Webhooks:MaxInFlight"] = "1",
        };

        // The first node answers, then stalls on what it took: a node that stops right after answering.
        var stalled = new StalledConsumer();
        await using var first = new ParleyApplication(database, clock) { Settings = settings, SettleWebhooks = false, TestServices = s => s.AddSingleton<IWebhookConsumer>(stalled) };
        await TestConnections.AddAsync(first, ChannelKind.Messenger, PageId);
        var client = first.CreateClient();
        foreach (var (psid, mid) in new[] { ("7001", "m-1"), ("7002", "m-2"), ("7003", "m-3") })
        {
            await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body((psid, mid, $"text {mid}"))), HttpStatusCode.OK);
        }

        Assert.Equal(3, await first.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM webhook_events").SingleAsync()));
        await Expect.UntilAsync(() => Task.FromResult(stalled.Started == 1), "the first node took the first webhook (one at most in flight)");

        // A second node takes at once the two that the first could not hold; the first one's stays the first's while it lives.
        await using var second = new ParleyApplication(database, clock) { Settings = settings, SettleWebhooks = false };
        await Expect.UntilAsync(async () => (await CustomerMidsAsync(second)).Count == 2, "the second node stored the two nobody held", TimeSpan.FromSeconds(20));
        Assert.Equal(["m-2", "m-3"], (await CustomerMidsAsync(second)).Order());

        // The first node stops: its lease runs out, and the second node stores what it had answered.
        await first.DisposeAsync();
        Assert.Equal(2, (await CustomerMidsAsync(second)).Count);
        clock.Advance(TimeSpan.FromSeconds(4));
        await Expect.UntilAsync(async () => (await CustomerMidsAsync(second)).Count == 3, "every answered message stored", TimeSpan.FromSeconds(20));
        await Expect.UntilAsync(
            async () => await second.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM webhook_events").SingleAsync()) == 0,
            "the journal emptied");
        Assert.Equal(["m-1", "m-2", "m-3"], (await CustomerMidsAsync(second)).Order());
        Assert.Equal(1, stalled.Started);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_live_node_keeps_what_it_processes_past_its_lease_renewing_each_lease_only_once_half_of_it_is_spent(DatabaseProvider provider)
    {
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        await using var database = TestDatabase.Create(provider);
        var clock = new TestClock();
        var lease = TimeSpan.FromSeconds(4);
        Dictionary<string, string?> settings = new()
        {
            ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString(),
            ["Channels:Webhooks:Lease"] = "00:00:04",
            ["Channels:Webhooks:SweepInterval"] = "00:00:00.100",
        };

        var stalled = new StalledConsumer();
        await using var first = new ParleyApplication(database, clock) { Settings = settings, SettleWebhooks = false, TestServices = s => s.AddSingleton<IWebhookConsumer>(stalled) };
        await TestConnections.AddAsync(first, ChannelKind.Messenger, PageId);
        var client = first.CreateClient();
        var node = first.Service<WebhookJournal>().Node;
        Task<List<DateTime>> LeasesAsync() => first.DbAsync(async db =>
            (await db.Database.SqlQueryRaw<DateTime>("SELECT lease_until AS \"Value\" FROM webhook_events ORDER BY id").ToListAsync())
                .Select(t => DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToList());

        // A is taken at t0, B a second later; both stall on the first node.
        var t0 = clock.GetUtcNow().UtcDateTime;
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(("7001", "l-1", "a"))), HttpStatusCode.OK);
        await Expect.UntilAsync(() => Task.FromResult(stalled.Started == 1), "the first node took A");
        clock.Advance(TimeSpan.FromSeconds(1));
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(("7002", "l-2", "b"))), HttpStatusCode.OK);
        await Expect.UntilAsync(() => Task.FromResult(stalled.Started == 2), "the first node took B");
        Assert.Equal([t0 + lease, t0 + TimeSpan.FromSeconds(1) + lease], await LeasesAsync(), new CloseTimes());

        // At t0 + 2.5 s half of A's lease is spent, not yet half of B's: A alone is renewed.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var now = clock.GetUtcNow().UtcDateTime;
        await Expect.UntilAsync(async () => (await LeasesAsync())[0] > t0 + lease, "A's lease renewed");
        await Task.Delay(300); // three more sweeps
        Assert.Equal([now + lease, t0 + TimeSpan.FromSeconds(1) + lease], await LeasesAsync(), new CloseTimes());

        // A second node joins, and time goes on by a second at a time, well past both first leases: the first node keeps
        // renewing what comes due, so nothing lapses and the second node takes nothing.
        await using var second = new ParleyApplication(database, clock) { Settings = settings, SettleWebhooks = false };
        for (var step = 0; step < 6; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var at = clock.GetUtcNow().UtcDateTime;
            await Expect.UntilAsync(async () => (await LeasesAsync()).All(until => until >= at + (lease / 2) - TimeSpan.FromMilliseconds(1)),
                $"every lease at least half a lease ahead at step {step}");
        }

        await Task.Delay(300);
        Assert.Empty(await CustomerMidsAsync(second));
        Assert.Equal([node, node], await first.DbAsync(db => db.Database.SqlQueryRaw<string>("SELECT leased_by AS \"Value\" FROM webhook_events ORDER BY id").ToListAsync()));
    }

    /// <summary>Times equal to the millisecond (SQLite keeps them as text).</summary>
    private sealed class CloseTimes : IEqualityComparer<DateTime>
    {
        public bool Equals(DateTime x, DateTime y) => Math.Abs((x - y).TotalMilliseconds) < 1;

        public int GetHashCode(DateTime obj) => 0;
    }

    [Fact]
    public async Task An_answered_webhook_is_already_in_this_nodes_work()
    {
        // Processing stalls, so every webhook this node took in stays in flight. Each answer must come after the journal
        // handed its webhook over: a test (or a shutdown) waiting for the work to be idle right after an answer would
        // otherwise find nothing in flight yet, and read before the events are stored.
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        var stalled = new StalledConsumer();
        await using var app = new ParleyApplication(DatabaseProvider.Sqlite)
        {
            Settings = { ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString() },
            SettleWebhooks = false,
            TestServices = s => s.AddSingleton<IWebhookConsumer>(stalled),
        };
        await TestConnections.AddAsync(app, ChannelKind.Messenger, PageId);
        var client = app.CreateClient();
        var work = app.Service<WebhookWork>();
        for (var i = 1; i <= 20; i++)
        {
            await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(($"71{i:00}", $"a-{i}", "hello"))), HttpStatusCode.OK);
            Assert.Equal(i, work.InFlight);
            Assert.False(work.IdleAsync().IsCompleted);
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_batch_of_events_is_journaled_compressed_and_another_node_stores_every_event_of_it(DatabaseProvider provider)
    {
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        await using var database = TestDatabase.Create(provider);
        Dictionary<string, string?> settings = new()
        {
            ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString(),
            ["Channels:Webhooks:SweepInterval"] = "00:00:00.200",
            ["Channels:Webhooks:MaxInFlight"] = "1",
        };
        var stalled = new StalledConsumer();
        await using var first = new ParleyApplication(database) { Settings = settings, SettleWebhooks = false, TestServices = s => s.AddSingleton<IWebhookConsumer>(stalled) };
        await TestConnections.AddAsync(first, ChannelKind.Messenger, PageId);
        var client = first.CreateClient();
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(("7001", "m-0", "hello"))), HttpStatusCode.OK);
        await Expect.UntilAsync(() => Task.FromResult(stalled.Started == 1), "the first node holds the first webhook");

        // Twelve customers in one webhook, as Meta batches them: kept packed, left for a node with room.
        var twelve = Enumerable.Range(1, 12).Select(n => ($"71{n:00}", $"m-{n}", $"Where is my parcel number {n}? It was due yesterday.")).ToArray();
        var body = Body(twelve);
        Assert.True(body.Length > JournalBody.PackFrom);
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", body), HttpStatusCode.OK);
        var stored = await first.DbAsync(db => db.Database.SqlQueryRaw<byte[]>("SELECT body AS \"Value\" FROM webhook_events ORDER BY id").ToListAsync());
        Assert.Equal((byte)'{', stored[0][0]);
        Assert.Equal(1, stored[1][0]);
        Assert.True(stored[1].Length * 3 < body.Length, $"{stored[1].Length} bytes kept for {body.Length}");

        await using var second = new ParleyApplication(database) { Settings = settings, SettleWebhooks = false };
        await Expect.UntilAsync(async () => (await CustomerMidsAsync(second)).Count == 12, "the second node stored all twelve", TimeSpan.FromSeconds(20));
        Assert.Equal(twelve.Select(t => t.Item2).Order(), (await CustomerMidsAsync(second)).Order());
        var texts = await second.DbAsync(db => db.Messages.Where(m => m.ChannelMessageId == "m-7").Select(m => m.Text).SingleAsync());
        Assert.Equal("Where is my parcel number 7? It was due yesterday.", texts);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Webhooks_journaled_together_each_keep_their_own_row_numbered_in_the_order_they_came(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database);
        var received = Enumerable.Range(1, 5).Select(n => new ReceivedWebhook(
            n % 2 == 0 ? ChannelKind.WhatsApp : ChannelKind.Messenger, [$"page-{n}"], [$"page-{n}:customer-{n}", $"page-{n}:other"],
            System.Text.Encoding.UTF8.GetBytes(Body([.. Enumerable.Range(1, n * 4).Select(i => ($"70{i:00}", $"m-{n}-{i}", $"text {n} {i}"))])))).ToList();

        var ids = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            // Leased to a node that is not this host for an hour: this host's sweeper leaves them where they are to be read.
            return WebhookStore.Append(db, [.. received.Select(WebhookStore.JournalRow.Of)], "node-a", DateTime.UtcNow, DateTime.UtcNow.AddHours(1));
        });

        // The ids go up in the order given, and each one is the row of its own webhook.
        Assert.Equal(ids.Order(), ids);
        var rows = await app.DbAsync(db => db.Database.SqlQueryRaw<JournalRowRead>(
            "SELECT id AS \"Id\", kind AS \"Kind\", accounts AS \"Accounts\", order_keys AS \"OrderKeys\", body AS \"Body\" FROM webhook_events").ToListAsync());
        Assert.Equal(5, rows.Count);
        for (var i = 0; i < received.Count; i++)
        {
            var row = rows.Single(r => r.Id == ids[i]);
            Assert.Equal(received[i].Kind.ToString(), row.Kind);
            Assert.Equal(received[i].Accounts[0], row.Accounts);
            Assert.Equal(string.Join('\n', received[i].OrderKeys), row.OrderKeys);
            Assert.Equal(received[i].Body, JournalBody.Unpack(row.Body));
        }
    }

    private sealed record JournalRowRead(long Id, string Kind, string Accounts, string OrderKeys, byte[] Body);

    [Fact]
    public void A_body_under_the_threshold_or_one_written_before_packing_reads_back_as_it_is()
    {
        var small = System.Text.Encoding.UTF8.GetBytes(Body(("7001", "m-1", "hi")));
        Assert.Same(small, JournalBody.Pack(small));
        Assert.Same(small, JournalBody.Unpack(small));
        var large = System.Text.Encoding.UTF8.GetBytes(Body([.. Enumerable.Range(1, 10).Select(n => ($"70{n:00}", $"m-{n}", $"text {n}"))]));
        var packed = JournalBody.Pack(large);
        Assert.True(packed.Length * 3 < large.Length, $"{packed.Length} bytes kept for {large.Length}");
        Assert.Equal(large, JournalBody.Unpack(packed));
        Assert.Throws<InvalidDataException>(() => JournalBody.Unpack(packed[..^1]));
        // Snappy's length header (a varint after the marker byte) saying one byte more, then one less, than the body.
        Assert.InRange(packed[1] & 0x7F, 1, 126);
        foreach (var by in new[] { 1, -1 })
        {
            var wrong = (byte[])packed.Clone();
            wrong[1] = (byte)(wrong[1] + by);
            Assert.Throws<InvalidDataException>(() => JournalBody.Unpack(wrong));
        }

        // A header that claims a gigabyte is refused before a gigabyte is set aside for it.
        byte[] huge = [1, 0x80, 0x80, 0x80, 0x80, 0x04, .. packed.AsSpan(3)];
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => JournalBody.Unpack(huge));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
    }

    [Fact]
    public void A_body_packed_with_Brotli_by_a_build_before_still_reads_back()
    {
        // As builds before 2026-12-06 wrote a large body: a zero byte, its length (4 bytes, little-endian), Brotli.
        var large = System.Text.Encoding.UTF8.GetBytes(Body([.. Enumerable.Range(1, 10).Select(n => ($"70{n:00}", $"m-{n}", $"text {n}"))]));
        var compressed = new byte[System.IO.Compression.BrotliEncoder.GetMaxCompressedLength(large.Length)];
        Assert.True(System.IO.Compression.BrotliEncoder.TryCompress(large, compressed, out var written, 1, 22));
        byte[] stored = [0, .. BitConverter.GetBytes(large.Length), .. compressed.AsSpan(0, written)];
        Assert.True(BitConverter.IsLittleEndian);

        Assert.Equal(large, JournalBody.Unpack(stored));

        // A length header out of range (negative, or two gigabytes) is refused before anything is set aside for it.
        foreach (var length in new[] { -1, int.MaxValue })
        {
            byte[] wrong = [0, .. BitConverter.GetBytes(length), .. compressed.AsSpan(0, written)];
            var before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => JournalBody.Unpack(wrong));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
        }

        stored[^1] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => JournalBody.Unpack(stored));
    }

    [Fact]
    public async Task A_customers_events_are_stored_in_the_order_they_came_however_many_are_processed_at_once()
    {
        // Answered before processed (no waiting here), from three customers interleaved; processing runs many at once.
        await using var world = await MetaWorld.StartAsync(settleWebhooks: false);
        var client = world.App.CreateClient();
        var sent = new List<(string Psid, string Mid)>();
        for (var i = 0; i < 24; i++)
        {
            sent.Add(($"80{i % 3}", $"o-{i:D2}"));
        }

        foreach (var (psid, mid) in sent)
        {
            await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, world.Path, world.Body(world.Text(psid, mid, mid))), HttpStatusCode.OK);
        }

        await world.App.Service<WebhookWork>().IdleAsync();
        foreach (var psid in sent.Select(s => s.Psid).Distinct())
        {
            var conversation = await world.ConversationOfAsync(psid);
            var stored = (await world.MessagesAsync(conversation.Id)).Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ChannelMessageId);
            Assert.Equal(sent.Where(s => s.Psid == psid).Select(s => s.Mid), stored);
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task One_webhook_of_several_customers_stores_each_customers_messages_in_the_order_they_came(DatabaseProvider provider)
    {
        // Meta batches entries: here twelve, three customers interleaved, stored together, each customer's in order.
        await using var world = await MetaWorld.StartAsync(provider: provider);
        var sent = Enumerable.Range(0, 12).Select(i => (Psid: $"81{i % 3}", Mid: $"b-{i:D2}", Text: $"message {i}")).ToArray();

        var body = world.Body([.. sent.Select(s => world.Text(s.Psid, s.Mid, s.Text))]);
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(world.App.CreateClient(), world.Path, body), HttpStatusCode.OK);

        await world.App.Service<WebhookWork>().IdleAsync();
        foreach (var psid in sent.Select(s => s.Psid).Distinct())
        {
            var conversation = await world.ConversationOfAsync(psid);
            var stored = (await world.MessagesAsync(conversation.Id)).Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ChannelMessageId);
            Assert.Equal(sent.Where(s => s.Psid == psid).Select(s => s.Mid), stored);
        }
    }

    [Fact]
    public async Task A_webhook_that_fails_for_now_is_retried_and_stored_once_and_one_that_never_can_is_kept_with_its_error()
    {
        var flaky = new FlakyConsumer(failures: 2);
        await using var graph = await PlatformStandIn.StartAsync("/v23.0");
        await using var app = new ParleyApplication
        {
            Settings =
            {
                ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString(),
                ["Channels:Webhooks:FirstBackoff"] = "00:00:00.050",
            },
            TestServices = s => s.AddSingleton<IWebhookConsumer>(sp => flaky.Wrap(ActivatorUtilities.CreateInstance<MetaWebhookConsumer>(sp))),
        };
        await TestConnections.AddAsync(app, ChannelKind.Messenger, PageId);
        var client = app.CreateClient();

        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(("9001", "r-1", "retried"))), HttpStatusCode.OK);
        Assert.Equal(3, flaky.Calls);
        Assert.Equal(["r-1"], await app.DbAsync(db => db.Messages.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ChannelMessageId!).ToListAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM webhook_events").SingleAsync()));

        flaky.Reject = true;
        await Expect.StatusAsync(await TestConnections.PostSignedAsync(client, "/webhooks/messenger", Body(("9002", "r-2", "never"))), HttpStatusCode.OK);
        var kept = await app.DbAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT last_error AS \"Value\" FROM webhook_events WHERE failed_at IS NOT NULL").ToListAsync());
        Assert.Equal(["this webhook can never be processed"], kept);
        Assert.DoesNotContain("r-2", await app.DbAsync(db => db.Messages.Select(m => m.ChannelMessageId).ToListAsync()));
    }

    private static Task<List<string>> CustomerMidsAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Messages.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.ChannelMessageId!).ToListAsync());

    private static string Body(params (string Psid, string Mid, string Text)[] messages) => new JsonObject
    {
        ["object"] = "page",
        ["entry"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = PageId,
            ["time"] = 1764669600000,
            ["messaging"] = new JsonArray(new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = m.Psid },
                ["recipient"] = new JsonObject { ["id"] = PageId },
                ["timestamp"] = 1764669600000,
                ["message"] = new JsonObject { ["mid"] = m.Mid, ["text"] = m.Text },
            }),
        }).ToArray()),
    }.ToJsonString();

    /// <summary>Takes Messenger webhooks and never finishes them.</summary>
    private sealed class StalledConsumer : IWebhookConsumer
    {
        private int _started;

        public int Started => _started;

        public bool Consumes(ChannelKind kind) => kind == ChannelKind.Messenger;

        public Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct)
        {
            Interlocked.Increment(ref _started);
            return Task.Delay(Timeout.Infinite, ct);
        }
    }

    /// <summary>Fails the first calls as a database refusing for now would, or always as a webhook that can never be read.</summary>
    private sealed class FlakyConsumer(int failures)
    {
        private int _calls;

        public int Failures { get; } = failures;

        public int Calls => _calls;

        public bool Reject { get; set; }

        public IWebhookConsumer Wrap(IWebhookConsumer inner) => new Wrapper(this, inner);

        private sealed class Wrapper(FlakyConsumer flaky, IWebhookConsumer inner) : IWebhookConsumer
        {
            public bool Consumes(ChannelKind kind) => inner.Consumes(kind);

            public Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct)
            {
                if (flaky.Reject)
                {
                    throw new WebhookRejectedException("this webhook can never be processed");
                }

                return Interlocked.Increment(ref flaky._calls) <= flaky.Failures
                    ? throw new TimeoutException("the database is busy")
                    : inner.ProcessAsync(webhook, ct);
            }
        }
    }
}
