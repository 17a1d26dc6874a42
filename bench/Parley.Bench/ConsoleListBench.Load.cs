using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Parley.Data;

namespace Parley.Bench;

/// <summary>
/// Fills a freshly migrated database with <see cref="ConsoleListData"/> fast: SQLite in one transaction through prepared
/// statements bound by position (the FTS5 triggers of migration 0013 index every message as the app's inserts do);
/// PostgreSQL through binary COPY. The secondary indexes of the loaded tables are dropped first and created again from
/// their own definitions afterwards (one sorted build instead of ten million index updates), so the schema is the
/// migrations' own.
/// </summary>
internal static class ConsoleListLoad
{
    public static async Task FillAsync(DbConnection connection, ConsoleListData data)
    {
        var tables = data.Tables().ToList();
        var names = tables.Select(t => t.Name).ToList();
        var indexes = await SecondaryIndexesAsync(connection, names);
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX {name}");
        }

        if (connection is SqliteConnection sqlite)
        {
            await ExecuteAsync(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-400000; PRAGMA foreign_keys=OFF");
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var table in tables)
            {
                Timed(table.Name, () => LoadSqlite(sqlite, table));
            }

            await transaction.CommitAsync();
        }
        else
        {
            // The conversations' load triggers (0041) note each assigned conversation's advisor for routing, a scan of the
            // transaction's list of noted advisors per row: a million rows in one COPY took minutes. The list does not
            // read what they keep, so they are off while the bench fills (its database is never routed).
            await ExecuteAsync(connection, "ALTER TABLE conversations DISABLE TRIGGER USER");
            foreach (var table in tables)
            {
                await TimedAsync(table.Name, () => LoadPostgresAsync((NpgsqlConnection)connection, table));
            }

            await ExecuteAsync(connection, "ALTER TABLE conversations ENABLE TRIGGER USER");
        }

        foreach (var (name, sql) in indexes)
        {
            await TimedAsync($"index {name}", () => ExecuteAsync(connection, sql));
        }

        // PostgreSQL's autovacuum analyzes new tables by itself soon after; the bench does not wait for it. The app never
        // analyzes SQLite, so neither does the bench: the plans there must hold without statistics.
        if (connection is NpgsqlConnection)
        {
            await TimedAsync("analyze", () => ExecuteAsync(connection, "ANALYZE"));
        }
    }

    public static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static void LoadSqlite(SqliteConnection connection, BulkTable table)
    {
        var positions = string.Join(", ", table.Columns.Select((_, i) => $"?{i + 1}"));
        using var insert = new SqliteStatement(connection, $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns)}) VALUES ({positions})");
        foreach (var row in table.Rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                insert.Bind(i + 1, row[i]);
            }

            insert.Insert();
        }
    }

    private static async Task LoadPostgresAsync(NpgsqlConnection connection, BulkTable table)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({string.Join(", ", table.Columns)}) FROM STDIN (FORMAT BINARY)");
        // Ten million messages take longer than a command's default 30 s to complete.
        copy.Timeout = TimeSpan.FromHours(1);
        foreach (var row in table.Rows)
        {
            await copy.StartRowAsync();
            foreach (var value in row)
            {
                await (Sql.Stored(value) switch
                {
                    null => copy.WriteNullAsync(),
                    string s => copy.WriteAsync(s, NpgsqlDbType.Text),
                    long l => copy.WriteAsync(l, NpgsqlDbType.Bigint),
                    int i => copy.WriteAsync(i, NpgsqlDbType.Integer),
                    bool b => copy.WriteAsync(b, NpgsqlDbType.Boolean),
                    double d => copy.WriteAsync(d, NpgsqlDbType.Double),
                    DateTime t => copy.WriteAsync(t, NpgsqlDbType.TimestampTz),
                    var other => throw new ArgumentException($"No COPY type for {other.GetType().Name}."),
                });
            }
        }

        await copy.CompleteAsync();
    }

    /// <summary>The loaded tables' indexes that no constraint owns, with the statement that creates each.</summary>
    private static async Task<List<(string Name, string Sql)>> SecondaryIndexesAsync(DbConnection connection, IReadOnlyList<string> tables)
    {
        var list = string.Join(", ", tables.Select(t => $"'{t}'"));
        await using var command = connection.CreateCommand();
        command.CommandText = connection is SqliteConnection
            ? $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({list})"
            : $"""
               SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename IN ({list})
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
               """;
        var indexes = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexes;
    }

    private static void Timed(string what, Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        BenchLog.Write($"  {what}: {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task TimedAsync(string what, Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        BenchLog.Write($"  {what}: {clock.Elapsed.TotalSeconds:F1} s");
    }
}
