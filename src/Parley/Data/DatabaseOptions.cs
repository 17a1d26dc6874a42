using System.ComponentModel.DataAnnotations;

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
}
