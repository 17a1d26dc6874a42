using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Parley.Data;

/// <summary>
/// Applies the versioned SQL scripts of Data/Migrations/{Sqlite|Postgres} in order, each once, in a transaction.
/// Several nodes may start at once: PostgreSQL takes an advisory lock, SQLite a write lock (BEGIN IMMEDIATE).
/// On SQLite, foreign keys are off while the scripts run (a table rebuild drops and renames tables, as SQLite's own
/// procedure for schema changes says) and every foreign key is checked before the transaction commits.
/// </summary>
public sealed class Migrator(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<Migrator> logger)
{
    private const long PostgresLockKey = 0x5061726C6579; // "Parley"

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
        if (provider == DatabaseProvider.Sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            // Only outside a transaction does this pragma take effect.
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=OFF;", cancellationToken);
        }

        try
        {
            return await ApplyAsync(db, provider, cancellationToken);
        }
        finally
        {
            if (provider == DatabaseProvider.Sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=ON;", CancellationToken.None);
            }
        }
    }

    private async Task<IReadOnlyList<string>> ApplyAsync(ParleyDb db, DatabaseProvider provider, CancellationToken cancellationToken)
    {

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken);
        var applied = await db.Database.SqlQueryRaw<string>("SELECT version AS \"Value\" FROM schema_migrations")
            .ToListAsync(cancellationToken);

        var newlyApplied = new List<string>();
        foreach (var (version, sql) in Scripts(provider))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            logger.LogInformation("Applying migration {Version} ({Provider})", version, provider);
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO schema_migrations (version, applied_at) VALUES ({version}, {DateTime.UtcNow.ToString("O")})",
                cancellationToken);
            newlyApplied.Add(version);
        }

        if (provider == DatabaseProvider.Sqlite && newlyApplied.Count > 0)
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
