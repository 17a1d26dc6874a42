using Parley.Demo;
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
        Assert.Equal(5, (await second.DbAsync(db => db.Inboxes.ToListAsync())).Count);
        Assert.Equal(4, await second.DbAsync(db => db.Connections.CountAsync()));
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
            await db.SocialPosts.Take(1).ToListAsync();
            await db.Attachments.Take(1).ToListAsync();
            await db.Advisors.Take(1).ToListAsync();
            await db.AdvisorAccounts.Take(1).ToListAsync();
            await db.AdvisorQueues.Take(1).ToListAsync();
            await db.ReportingEvents.Take(1).ToListAsync();
            await db.Settings.Take(1).ToListAsync();
            await db.WebWidgets.Take(1).ToListAsync();
            await db.Connections.Take(1).ToListAsync();
            await db.Deliveries.Take(1).ToListAsync();
            await db.DataProtectionKeys.Take(1).ToListAsync();
            return true;
        });
        Assert.Equal(DemoWorkspace.Logins.Length, await app.DbAsync(db => db.Advisors.CountAsync()));
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

    [Theory, OnSqlite, OnPostgres]
    public async Task A_website_inbox_of_an_older_version_keeps_its_widget_keys_and_conversations_in_the_channel_neutral_schema(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var before = Migrator.Scripts(provider).Where(s => string.CompareOrdinal(s.Version, "0006") < 0).ToList();
        var now = provider == DatabaseProvider.Postgres ? "now()" : "'2026-12-01T10:00:00.0000000Z'";
        await using (var connection = Open(database))
        {
            foreach (var (version, sql) in before)
            {
                await ExecuteAsync(connection, sql);
            }

            await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL);"
                + string.Concat(before.Select(s => $"INSERT INTO schema_migrations VALUES ('{s.Version}', 'then');"))
                + $"INSERT INTO accounts (id, name, created_at) VALUES (7, 'Brand', {now});"
                + $"INSERT INTO inboxes (id, account_id, name, channel, public_key, identity_secret, settings_json, created_at) VALUES (42, 7, 'Site', 'WebMessaging', 'brand-site', 'secret-42', '{{}}', {now});"
                + $"INSERT INTO contacts (id, account_id, created_at) VALUES (5, 7, {now});"
                + $"INSERT INTO contact_identities (contact_id, inbox_id, external_id, verified, created_at) VALUES (5, 42, 'u:ann', {(provider == DatabaseProvider.Postgres ? "true" : "1")}, {now});"
                + "INSERT INTO conversations (id, account_id, inbox_id, contact_id, channel, is_public, status, priority, last_seq, customer_read_seq, advisor_read_seq, created_at, updated_at, version) "
                + $"VALUES (9, 7, 42, 5, 'WebMessaging', {(provider == DatabaseProvider.Postgres ? "false" : "0")}, 'Queued', 0, 0, 0, 0, {now}, {now}, 1);");
        }

        await using var app = new ParleyApplication(database) { Demo = false };
        Assert.Contains("0006_channels", await AppliedAsync(app));
        var widget = await app.DbAsync(db => db.WebWidgets.AsNoTracking().SingleAsync());
        Assert.Equal((42L, "brand-site", "secret-42"), (widget.InboxId, widget.PublicKey, widget.IdentitySecret));
        Assert.Equal(42L, await app.DbAsync(db => db.Conversations.Where(c => c.Id == 9).Select(c => c.InboxId).SingleAsync()));
        Assert.NotNull(await app.Service<Parley.Channels.WebMessaging.WidgetInboxes>().FindByKeyAsync("brand-site", CancellationToken.None));

        // Foreign keys still hold after the rebuild: a conversation on an inbox that does not exist is refused.
        await Assert.ThrowsAnyAsync<Exception>(() => app.DbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE conversations SET inbox_id = 4242 WHERE id = 9")));
    }

    private static System.Data.Common.DbConnection Open(TestDatabase database)
    {
        System.Data.Common.DbConnection connection = database.Provider == DatabaseProvider.Postgres
            ? new Npgsql.NpgsqlConnection(database.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        connection.Open();
        return connection;
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static Task<List<string>> AppliedAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations ORDER BY version").ToListAsync());
}
