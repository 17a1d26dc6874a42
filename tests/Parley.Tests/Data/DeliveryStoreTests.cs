using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>
/// The deliveries' leases, statement by statement, as two nodes would take them. The queued messages fall due an hour
/// after the host's test clock, so the host's own dispatcher leaves them alone, and the tests lease them "later".
/// </summary>
public sealed class DeliveryStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    [Theory, OnSqlite, OnPostgres]
    public async Task Only_a_conversation_nobody_holds_is_leased_and_only_its_holder_goes_on_with_it(DatabaseProvider provider)
    {
        await using var app = Host(provider);
        var conversations = await PushChannel.ConversationsAsync(app, await PushChannel.InboxAsync(app), 2);
        await PushChannel.UntilSettledAsync(app);
        var now = Later(app);
        var first = await QueueAsync(app, conversations[0], 5);
        var second = await QueueAsync(app, conversations[1], 5);

        var a = await LeaseAsync(app, "A", now, perConversation: 3);
        Assert.Equal([.. first.Take(3), .. second.Take(3)], a.Select(d => d.Id));
        Assert.Empty(await LeaseAsync(app, "B", now, perConversation: 3));

        // Only the node holding the last leased message goes on, and only while its lease lasts.
        Assert.Empty(await ContinueAsync(app, "B", conversations[0], after: first[2], now));
        Assert.Equal(first.Skip(3), (await ContinueAsync(app, "A", conversations[0], after: first[2], now)).Select(d => d.Id));
        Assert.Empty(await ContinueAsync(app, "A", conversations[1], after: second[2], now + Lease + TimeSpan.FromSeconds(1)));

        // Once A's leases ran out, another node takes both conversations over from their heads.
        var b = await LeaseAsync(app, "B", now + Lease + TimeSpan.FromSeconds(1), perConversation: 3);
        Assert.Equal([.. first.Take(3), .. second.Take(3)], b.Select(d => d.Id));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_takeover_stops_before_the_messages_the_stalled_node_leased_later(DatabaseProvider provider)
    {
        await using var app = Host(provider);
        var conversation = (await PushChannel.ConversationsAsync(app, await PushChannel.InboxAsync(app), 1))[0];
        await PushChannel.UntilSettledAsync(app);
        var now = Later(app);
        var queued = await QueueAsync(app, conversation, 6);

        Assert.Equal(queued.Take(2), (await LeaseAsync(app, "A", now, perConversation: 2)).Select(d => d.Id));
        var continued = await ContinueAsync(app, "A", conversation, after: queued[1], now + TimeSpan.FromSeconds(90), perConversation: 2);
        Assert.Equal(queued.Skip(2).Take(2), continued.Select(d => d.Id));

        // A's first lease has run out, its second has not: B may take the first two again, never the two after A's.
        var b = await LeaseAsync(app, "B", now + Lease + TimeSpan.FromSeconds(30), perConversation: 6);
        Assert.Equal(queued.Take(2), b.Select(d => d.Id));
    }

    [Theory, OnPostgres]
    public async Task A_node_leasing_while_another_one_does_skips_its_conversations_even_one_that_just_got_a_new_message(DatabaseProvider provider)
    {
        await using var app = Host(provider);
        var conversation = (await PushChannel.ConversationsAsync(app, await PushChannel.InboxAsync(app), 1))[0];
        await PushChannel.UntilSettledAsync(app);
        var now = Later(app);
        var queued = await QueueAsync(app, conversation, 1);
        var dbs = app.Service<IDbContextFactory<ParleyDb>>();

        await using var first = await dbs.CreateDbContextAsync();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        var a = await DeliveryStore.LeaseAsync(first, "A", now, now + Lease, 10, 5, CancellationToken.None);

        // A new message is committed while A's lease is not: B sees the head free, and a second pending message.
        var added = await QueueAsync(app, conversation, 1);
        await using var second = await dbs.CreateDbContextAsync();
        await using var secondTransaction = await second.Database.BeginTransactionAsync();
        await second.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'");
        var b = await DeliveryStore.LeaseAsync(second, "B", now, now + Lease, 10, 5, CancellationToken.None);
        await secondTransaction.CommitAsync();
        await firstTransaction.CommitAsync();

        Assert.Equal(queued, a.Select(d => d.Id));
        Assert.Empty(b);
        Assert.Equal(added, (await ContinueAsync(app, "A", conversation, after: queued[0], now)).Select(d => d.Id));
    }

    private static ParleyApplication Host(DatabaseProvider provider) =>
        new(provider) { TestServices = PushChannel.With(new RecordingConnector()) };

    /// <summary>When the tests lease: an hour after the queued messages fell due.</summary>
    private static DateTime Later(ParleyApplication app) => app.Clock.GetUtcNow().UtcDateTime.AddHours(2);

    /// <summary>Advisor messages written as the console does, due an hour after the host's clock; their deliveries' ids in order.</summary>
    private static async Task<List<long>> QueueAsync(ParleyApplication app, long conversationId, int count)
    {
        var writer = app.Service<ConversationWriter>();
        var due = app.Clock.GetUtcNow().UtcDateTime.AddHours(1);
        return await app.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await EngineStore.LockConversationsAsync(db, [conversationId], CancellationToken.None);
            var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId);
            for (var i = 0; i < count; i++)
            {
                writer.AddOutbound(db, conversation, AuthorKind.Advisor, "Marie", ContentType.Text, $"queued {i}", null, []);
            }

            var deliveries = db.ChangeTracker.Entries<Delivery>().Select(e => e.Entity).ToList();
            deliveries.ForEach(d => d.NextAttemptAt = due);
            writer.Touch(conversation);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return deliveries.Select(d => d.Id).Order().ToList();
        });
    }

    private static Task<List<LeasedDelivery>> LeaseAsync(ParleyApplication app, string node, DateTime now, int perConversation) =>
        InTransactionAsync(app, db => DeliveryStore.LeaseAsync(db, node, now, now + Lease, 10, perConversation, CancellationToken.None));

    private static Task<List<LeasedDelivery>> ContinueAsync(ParleyApplication app, string node, long conversationId, long after, DateTime now, int perConversation = 5) =>
        InTransactionAsync(app, db => DeliveryStore.ContinueAsync(db, node, conversationId, after, now, now + Lease, perConversation, CancellationToken.None));

    private static Task<List<LeasedDelivery>> InTransactionAsync(ParleyApplication app, Func<ParleyDb, Task<List<LeasedDelivery>>> lease) =>
        app.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var leased = await lease(db);
            await transaction.CommitAsync();
            return leased;
        });
}
