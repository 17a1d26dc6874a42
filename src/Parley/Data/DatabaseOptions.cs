using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Npgsql;

namespace Parley.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// For SQLite, a connection string or empty for data/parley.db under the content root;
    /// for PostgreSQL, an Npgsql connection string (required).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite only: "Normal" (default) survives a crash of the process, as WAL commits are in the OS cache;
    /// "Full" also survives a power cut, at the price of an fsync per commit.
    /// </summary>
    [RegularExpression("^(Normal|Full)$")]
    public string SqliteSynchronous { get; set; } = "Normal";

    /// <summary>
    /// SQLite only: the pages (4 KB each) the write-ahead log may hold before Parley copies it back into the database
    /// file and starts it over; checkpoints of fewer pages run beside the writers all along (<see cref="WalCheckpointer"/>).
    /// </summary>
    [Range(16, 1_000_000)]
    public int SqliteWalPages { get; set; } = 8_000;

    /// <summary>
    /// PostgreSQL only: the hot write transactions (<see cref="WriteGate"/>) one node runs at once; 0 for twice its
    /// processors. More only queue inside the server, and while they wait they hold the pool's connections, which the
    /// consoles' reads then wait for (a burst of 200 replies: consoles updated 527–621 ms after a commit at p99 when
    /// unbounded, 83–86 ms with 4; docs/PERFORMANCE.md).
    /// </summary>
    [Range(0, 1_000)]
    public int PostgresWriters { get; set; }

    /// <summary>The number of hot write transactions a PostgreSQL node runs at once (<see cref="PostgresWriters"/>).</summary>
    public int PostgresWriterLimit() => PostgresWriters > 0 ? PostgresWriters : 2 * Environment.ProcessorCount;

    /// <summary>
    /// PostgreSQL connections one node opens at most when its connection string does not say (Npgsql's own default, 100,
    /// is a whole default server's <c>max_connections</c>: a burst of replies on one node could take every connection).
    /// Nodes × this must stay under the server's <c>max_connections</c>; README, "PostgreSQL in production".
    /// </summary>
    public const int DefaultPostgresPoolSize = 40;

    /// <summary>The Npgsql connection string with <see cref="DefaultPostgresPoolSize"/> unless it sets its own maximum.</summary>
    public string PostgresConnectionString() => WithPoolLimit(ConnectionString ?? string.Empty);

    internal static string WithPoolLimit(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant() is "maximumpoolsize" or "maxpoolsize"))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MaxPoolSize = Math.Max(DefaultPostgresPoolSize, builder.MinPoolSize);
        return builder.ConnectionString;
    }
}
