using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>PostgreSQL scripts marked <see cref="Migrator.OutsideTransaction"/>: index builds that let writes go on.</summary>
public sealed class MigrationOutsideTransactionTests
{
    private const string Version = "0038_advisor_replies";
    private const string Index = "ix_messages_advisor_replies";

    [Fact]
    public void Such_a_script_is_run_statement_by_statement_without_its_comments()
    {
        const string script = Migrator.OutsideTransaction + "\n-- why\nDROP INDEX CONCURRENTLY IF EXISTS a;\n\nCREATE INDEX CONCURRENTLY a ON t (x)\n    WHERE y = 'z';\n-- end\n";

        Assert.True(Migrator.IsOutsideTransaction(script));
        Assert.False(Migrator.IsOutsideTransaction("-- a comment\n" + Migrator.OutsideTransaction));
        Assert.Equal(
            ["DROP INDEX CONCURRENTLY IF EXISTS a;", "CREATE INDEX CONCURRENTLY a ON t (x)\n    WHERE y = 'z';"],
            Migrator.Statements(script).Select(s => s.ReplaceLineEndings("\n")));
    }

    [Theory, OnPostgres]
    public async Task The_advisor_replies_index_is_built_concurrently_and_valid(DatabaseProvider provider)
    {
        Assert.True(Migrator.IsOutsideTransaction(Migrator.Scripts(provider).Single(s => s.Version == Version).Sql));
        await using var app = new ParleyApplication(provider);

        Assert.Equal((true, true), await StateAsync(app));
        Assert.Contains(Version, await app.DbAsync(db => db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations").ToListAsync()));
    }

    [Theory, OnPostgres]
    public async Task A_build_cut_short_is_dropped_and_built_again_at_the_next_start(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        await customer.SendAsync("hello?");
        await customer.WaitForAsync(m => m.Messages.Count >= 3, "the bot's answer");

        // A concurrent build that fails (here a unique index over messages that share their inbox) leaves its index behind,
        // marked invalid, as one cut short by a stop or a lost connection does; the version is not recorded.
        await app.DbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync($"DROP INDEX {Index}");
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM schema_migrations WHERE version = '{Version}'");
            return true;
        });
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => app.DbAsync(db =>
            db.Database.ExecuteSqlRawAsync($"CREATE UNIQUE INDEX CONCURRENTLY {Index} ON messages (inbox_id)")));
        Assert.Equal((true, false), await StateAsync(app));

        var applied = await app.Service<Migrator>().MigrateAsync(CancellationToken.None);

        Assert.Equal([Version], applied);
        Assert.Equal((true, true), await StateAsync(app));
        var definition = await app.DbAsync(db => db.Database.SqlQueryRaw<string>(
            $"SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname = '{Index}'").SingleAsync());
        Assert.Contains("author_kind", definition, StringComparison.Ordinal);
    }

    /// <summary>Whether the index exists, and whether PostgreSQL marks it valid.</summary>
    private static async Task<(bool Exists, bool Valid)> StateAsync(ParleyApplication app)
    {
        var valid = await app.DbAsync(db => db.Database.SqlQueryRaw<bool>(
            $"SELECT i.indisvalid AS \"Value\" FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid WHERE c.relname = '{Index}'").ToListAsync());
        return (valid.Count == 1, valid.Count == 1 && valid[0]);
    }
}
