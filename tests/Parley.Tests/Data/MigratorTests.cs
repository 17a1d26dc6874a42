using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

public sealed class MigratorTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Migrations_are_applied_once_and_recorded(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var scripts = Migrator.Scripts(provider).Select(s => s.Version).ToList();
        Assert.Contains("0001_initial", scripts);

        Assert.Equal(scripts, await AppliedAsync(app));

        var again = await app.Service<Migrator>().MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
        Assert.Equal(scripts, await AppliedAsync(app));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_second_host_on_a_migrated_database_applies_nothing_and_keeps_the_data(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        long inboxId;
        await using (var first = new ParleyApplication(database))
        {
            inboxId = (await first.DemoInboxAsync()).Id;
        }

        await using var second = new ParleyApplication(database);
        Assert.Equal(inboxId, (await second.DemoInboxAsync()).Id);
        Assert.Single(await second.DbAsync(db => db.Inboxes.ToListAsync()));
        Assert.Equal(Migrator.Scripts(provider).Count, (await AppliedAsync(second)).Count);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_model_maps_every_table_and_column_of_the_schema(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await app.DbAsync(async db =>
        {
            // Selecting whole entities names every mapped column: a mapping out of step with the SQL fails here.
            await db.Accounts.Take(1).ToListAsync();
            await db.Inboxes.Take(1).ToListAsync();
            await db.Queues.Take(1).ToListAsync();
            await db.Contacts.Take(1).ToListAsync();
            await db.ContactIdentities.Take(1).ToListAsync();
            await db.Conversations.Take(1).ToListAsync();
            await db.Messages.Take(1).ToListAsync();
            await db.Attachments.Take(1).ToListAsync();
            await db.Advisors.Take(1).ToListAsync();
            await db.AdvisorAccounts.Take(1).ToListAsync();
            await db.AdvisorQueues.Take(1).ToListAsync();
            await db.ReportingEvents.Take(1).ToListAsync();
            await db.Settings.Take(1).ToListAsync();
            return true;
        });
        Assert.Equal(5, await app.DbAsync(db => db.Advisors.CountAsync()));
        Assert.Equal(3, await app.DbAsync(db => db.Queues.CountAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Several_nodes_starting_at_once_apply_each_migration_once(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var nodes = Enumerable.Range(0, 3).Select(_ => new ParleyApplication(database) { Demo = false }).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(n => Task.Run(() => n.Services)));

            Assert.Equal(Migrator.Scripts(provider).Select(s => s.Version), await AppliedAsync(nodes[0]));
            Assert.All(nodes, n => Assert.True(n.LoggedErrors.IsEmpty, string.Join("\n", n.LoggedErrors)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_database_of_the_first_version_is_upgraded_keeping_its_unprocessed_messages_findable(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("hello?");
        await customer.WaitForAsync(m => m.Messages.Count >= 3, "the bot's answer");

        // Back to the schema of 0001 (its index on the flag alone), with the customer's message waiting, as an older install has it.
        var firstIndex = provider == DatabaseProvider.Postgres
            ? "CREATE INDEX ix_messages_unprocessed ON messages (processed) WHERE NOT processed"
            : "CREATE INDEX ix_messages_unprocessed ON messages (processed) WHERE processed = 0";
        var waiting = await app.DbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("DROP INDEX ix_messages_unprocessed");
            await db.Database.ExecuteSqlRawAsync(firstIndex);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM schema_migrations WHERE version = '0002_unprocessed_by_conversation'");
            var message = await db.Messages.SingleAsync(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer);
            message.Processed = false;
            await db.SaveChangesAsync();
            return message.Seq;
        });

        var applied = await app.Service<Migrator>().MigrateAsync(CancellationToken.None);

        Assert.Equal(["0002_unprocessed_by_conversation"], applied);
        var indexed = await app.DbAsync(db => db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Postgres
            ? "SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = 'ix_messages_unprocessed'"
            : "SELECT sql AS \"Value\" FROM sqlite_master WHERE name = 'ix_messages_unprocessed'").SingleAsync());
        Assert.Contains("conversation_id, seq", indexed, StringComparison.Ordinal);
        Assert.Equal(waiting, await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && !m.Processed).Select(m => m.Seq).SingleAsync()));
    }

    private static Task<List<string>> AppliedAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations ORDER BY version").ToListAsync());
}
