using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Console;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>Routing's read of the waiting conversations (<see cref="EngineStore.ReadWaitingAsync"/>).</summary>
public sealed class WaitingReadTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task The_first_waiting_of_the_queues_come_in_planning_order(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var seed = new ListSeed(app);
        var queues = await app.DbAsync(db => db.Queues.OrderBy(q => q.Id).Select(q => q.Id).Take(2).ToListAsync());
        var (mine, other) = (queues[0], queues[1]);

        // Queued 50, 40, … 10 minutes ago, in two queues; one of them urgent; one taken already.
        var oldest = await seed.AddAsync(new Seeded { QueueId = mine, Ago = TimeSpan.FromMinutes(50) });
        var elsewhere = await seed.AddAsync(new Seeded { QueueId = other, Ago = TimeSpan.FromMinutes(40) });
        var urgent = await seed.AddAsync(new Seeded { QueueId = mine, Ago = TimeSpan.FromMinutes(30) });
        var taken = await seed.AddAsync(new Seeded { QueueId = mine, Ago = TimeSpan.FromMinutes(20), Status = ConversationStatus.Assigned });
        var newest = await seed.AddAsync(new Seeded { QueueId = mine, Ago = TimeSpan.FromMinutes(10) });
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == urgent).ExecuteUpdateAsync(u => u.SetProperty(c => c.Priority, 2)));

        async Task<List<long>> Read(IReadOnlyCollection<long> of, int limit, int offset = 0) =>
            await app.DbAsync(async db =>
            {
                await db.Database.OpenConnectionAsync();
                return (await EngineStore.ReadWaitingAsync(db, of, limit, CancellationToken.None, offset)).Select(r => r.Id).ToList();
            });

        Assert.Equal([urgent, oldest, newest], await Read([mine], 10));
        Assert.Equal([urgent, oldest, elsewhere, newest], await Read([mine, other], 10));
        Assert.Equal([urgent, oldest], await Read([mine, other], 2));
        Assert.Equal([elsewhere, newest], await Read([mine, other], 2, offset: 2)); // the next window, for a pass that reads deeper
        Assert.DoesNotContain(taken, await Read(queues, 10));
    }

    /// <summary>
    /// SQLite, which has no statistics here, walks the waiting index in planning order and stops at the limit; left to
    /// itself it took the queues' index for the IN list and sorted every queued row of those queues. The index covers the
    /// read (0037): a conversation walked past is not looked up in the table.
    /// </summary>
    [Theory, OnSqlite]
    public async Task SQLite_walks_the_waiting_index_without_sorting(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var plan = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + EngineStore.WaitingSql("1, 2, 3").Replace("@limit", "100", StringComparison.Ordinal)
                .Replace("@offset", "100", StringComparison.Ordinal);
            await using var reader = await command.ExecuteReaderAsync();
            var steps = new List<string>();
            while (await reader.ReadAsync())
            {
                steps.Add(reader.GetString(3));
            }

            return steps;
        });

        Assert.Contains(plan, step => step.Contains("USING COVERING INDEX ix_conversations_waiting", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    /// <summary>
    /// PostgreSQL reads the first of a backlog that its statistics do not know of (3,000 queued, never analyzed) by walking
    /// the waiting index, not by reading and sorting every queued row (<c>routing_waiting</c>, migration 0036): the read
    /// touches a handful of pages, not every page the backlog is on.
    /// </summary>
    [Theory, OnPostgres]
    public async Task PostgreSQL_reads_the_head_of_a_backlog_it_has_no_statistics_for_without_reading_all_of_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var inbox = await app.DemoInboxAsync();
        var queue = await app.DbAsync(db => db.Queues.Where(q => q.AccountId == inbox.AccountId).OrderBy(q => q.Id).Select(q => q.Id).FirstAsync());
        var now = app.Clock.GetUtcNow().UtcDateTime;
        const int Backlog = 3_000;
        await app.DbAsync(async db =>
        {
            var contacts = Enumerable.Range(0, Backlog).Select(i => new Parley.Contacts.Contact { AccountId = inbox.AccountId, Name = $"Backlog {i}", CreatedAt = now }).ToList();
            db.Contacts.AddRange(contacts);
            await db.SaveChangesAsync();
            db.Conversations.AddRange(contacts.Select((contact, i) => new Conversation
            {
                AccountId = inbox.AccountId, InboxId = inbox.Id, ContactId = contact.Id, Channel = Parley.Channels.ChannelKind.WebMessaging,
                Status = ConversationStatus.Queued, QueueId = queue, LastSeq = 1, CreatedAt = now, UpdatedAt = now,
                QueuedAt = now.AddSeconds(-i), LastCustomerMessageAt = now, Version = 1,
            }));
            return await db.SaveChangesAsync();
        });

        var (blocks, first) = await app.DbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            // Read once first: the session's first call also reads the catalogs to plan the function's statement.
            var head = (await EngineStore.ReadWaitingAsync(db, [queue], 1, CancellationToken.None)).Single();
            await using var command = db.Command("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM routing_waiting(@queues, 10, 0)");
            command.Add("@queues", new[] { queue });
            using var explained = System.Text.Json.JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!);
            var plan = explained.RootElement[0].GetProperty("Plan");
            var pages = plan.GetProperty("Shared Hit Blocks").GetInt64() + plan.GetProperty("Shared Read Blocks").GetInt64();
            return (pages, head.QueuedAt);
        });

        // The backlog's rows fill dozens of pages; the walk reads the index's first pages and the ten rows' own.
        Assert.True(blocks < 25, $"The read of ten of {Backlog} queued touched {blocks} pages.");
        Assert.Equal(now.AddSeconds(-(Backlog - 1)), first, TimeSpan.FromMilliseconds(1));
    }
}
