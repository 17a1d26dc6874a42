using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Parley.Data;

/// <summary>
/// Applies the versioned SQL scripts of Data/Migrations/{Sqlite|Postgres} in order, each once. Consecutive scripts are
/// applied in one transaction. Several nodes may start at once: PostgreSQL takes an advisory lock for the session,
/// SQLite a write lock (BEGIN IMMEDIATE). On SQLite, foreign keys are off while the scripts run (a table rebuild drops
/// and renames tables, as SQLite's own procedure for schema changes says) and every foreign key is checked before the
/// transaction commits.
/// </summary>
/// <remarks>
/// A PostgreSQL script whose first line is <see cref="OutsideTransaction"/> runs on its own, statement by statement, after
/// the scripts before it have committed: <c>CREATE INDEX CONCURRENTLY</c> builds an index over a large table while
/// writes go on, and cannot run inside a transaction. Such a script is written to be run again from its start, since it
/// is recorded only once its last statement is done (a build cut short leaves an invalid index, which the script drops
/// first). The advisory lock is waited for by polling, outside any transaction: a node waiting inside one would hold
/// back a concurrent build, which waits for every older transaction of the database, while that build's node holds the
/// lock the waiting node wants.
/// </remarks>
public sealed class Migrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<Migrator> logger)
{
    private const long PostgresLockKey = 0x5061726C6579; // "Parley"

    /// <summary>The first line of a PostgreSQL script that runs outside a transaction, each statement on its own.</summary>
    public const string OutsideTransaction = "-- migration: outside a transaction";

    /// <summary>How often a node polls for the advisory lock another node holds while it migrates.</summary>
    internal static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(200);

    public static IReadOnlyList<(string Version, string Sql)> Scripts(DatabaseProvider provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"Parley.Data.Migrations.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^4], Read(assembly, n)))
            .ToList();
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var provider = options.Value.Provider;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            // Only outside a transaction does this pragma take effect.
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=OFF;", cancellationToken);
            try
            {
                return await ApplyInOneTransactionAsync(db, provider, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=ON;", CancellationToken.None);
            }
        }

        await LockPostgresAsync(db, cancellationToken);
        try
        {
            return await ApplyPostgresAsync(db, cancellationToken);
        }
        finally
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                // A connection that broke has lost its session's lock with it.
                logger.LogWarning(e, "The migration lock could not be released; it goes with the connection");
            }
        }
    }

    /// <summary>SQLite: every pending script in one transaction.</summary>
    private async Task<IReadOnlyList<string>> ApplyInOneTransactionAsync(ParleyDb db, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var applied = await AppliedAsync(db, cancellationToken);
        var newlyApplied = new List<string>();
        foreach (var (version, sql) in Scripts(provider).Where(s => !applied.Contains(s.Version)))
        {
            await ApplyAsync(db, provider, version, sql, cancellationToken);
            newlyApplied.Add(version);
        }

        if (newlyApplied.Count > 0)
        {
            var broken = await db.Database.SqlQueryRaw<string>("SELECT \"table\" AS \"Value\" FROM pragma_foreign_key_check")
                .ToListAsync(cancellationToken);
            if (broken.Count > 0)
            {
                throw new InvalidOperationException($"Migration left broken foreign keys in: {string.Join(", ", broken.Distinct())}.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return newlyApplied;
    }

    /// <summary>
    /// PostgreSQL, under the session's advisory lock: each run of consecutive pending scripts in one transaction, and a
    /// script marked <see cref="OutsideTransaction"/> on its own, in order.
    /// </summary>
    private async Task<IReadOnlyList<string>> ApplyPostgresAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        var applied = await AppliedAsync(db, cancellationToken);
        var pending = Scripts(DatabaseProvider.Postgres).Where(s => !applied.Contains(s.Version)).ToList();
        var newlyApplied = new List<string>();
        while (newlyApplied.Count < pending.Count)
        {
            var (version, sql) = pending[newlyApplied.Count];
            if (IsOutsideTransaction(sql))
            {
                logger.LogInformation("Applying migration {Version} (Postgres, outside a transaction)", version);
                foreach (var statement in Statements(sql))
                {
                    await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
                }

                await RecordAsync(db, version, cancellationToken);
                newlyApplied.Add(version);
                continue;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (next, nextSql) in pending.Skip(newlyApplied.Count).TakeWhile(s => !IsOutsideTransaction(s.Sql)).ToList())
            {
                await ApplyAsync(db, DatabaseProvider.Postgres, next, nextSql, cancellationToken);
                newlyApplied.Add(next);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return newlyApplied;
    }

    /// <summary>Waits for the migration lock, one short statement at a time: no transaction stays open while it waits.</summary>
    private static async Task LockPostgresAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        while (!await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_lock({PostgresLockKey}) AS \"Value\"").SingleAsync(cancellationToken))
        {
            await Task.Delay(LockPoll, cancellationToken);
        }
    }

    private static async Task<List<string>> AppliedAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken);
        return await db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations").ToListAsync(cancellationToken);
    }

    private async Task ApplyAsync(ParleyDb db, DatabaseProvider provider, string version, string sql, CancellationToken cancellationToken)
    {
        logger.LogInformation("Applying migration {Version} ({Provider})", version, provider);
        await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        await RecordAsync(db, version, cancellationToken);
    }

    private static Task<int> RecordAsync(ParleyDb db, string version, CancellationToken cancellationToken) => db.Database.ExecuteSqlAsync(
        $"INSERT INTO schema_migrations (version, applied_at) VALUES ({version}, {DateTime.UtcNow.ToString("O")})", cancellationToken);

    internal static bool IsOutsideTransaction(string sql) => sql.StartsWith(OutsideTransaction, StringComparison.Ordinal);

    /// <summary>
    /// A script run outside a transaction, statement by statement: each ends with a semicolon at the end of a line; lines
    /// of comment alone are dropped. Such scripts hold simple statements (no function bodies, no semicolons in strings).
    /// </summary>
    internal static IEnumerable<string> Statements(string sql)
    {
        var current = new System.Text.StringBuilder();
        foreach (var line in sql.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                continue;
            }

            current.AppendLine(line.TrimEnd());
            if (trimmed.EndsWith(';'))
            {
                yield return current.ToString().Trim();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString().Trim();
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>Migrates before anything else starts: hosted services start in registration order.</summary>
internal sealed class MigrationStartup(Migrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
