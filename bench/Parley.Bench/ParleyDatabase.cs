using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Bench;

/// <summary>Reads the database of a running Parley child process beside it (SQLite in WAL mode allows it; PostgreSQL too).</summary>
internal sealed class ParleyDatabase(string connectionString, bool postgres)
{
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using DbConnection connection = postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString + ";Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Customer messages stored whose platform id starts with <paramref name="midPrefix"/>.</summary>
    public Task<long> StoredAsync(string midPrefix) =>
        CountAsync("SELECT COUNT(*) FROM messages WHERE channel_message_id LIKE @prefix", ("@prefix", midPrefix + "%"));

    /// <summary>Waits until every journaled webhook's events are stored (failed ones, kept for an operator, aside).</summary>
    public async Task<TimeSpan> JournalDrainAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        // Whether one is left, not how many: counting a large journal ten times a second took the server's time from the catch-up it waits for.
        while (await CountAsync("SELECT COUNT(*) FROM (SELECT 1 FROM webhook_events WHERE failed_at IS NULL LIMIT 1) AS left_over") > 0)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Parley's webhook journal was not empty after {limit.TotalSeconds:F0} s.");
            }

            await Task.Delay(100);
        }

        return clock.Elapsed;
    }

    /// <summary>Waits until every stored message was processed (the bot answered) and every outbound delivery settled.</summary>
    public async Task<TimeSpan> DrainAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var waiting = await CountAsync(postgres ? "SELECT COUNT(*) FROM messages WHERE NOT processed" : "SELECT COUNT(*) FROM messages WHERE processed = 0")
                + await CountAsync("SELECT COUNT(*) FROM deliveries WHERE status = 'Pending'");
            if (waiting == 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Parley still had work waiting after {limit.TotalSeconds:F0} s.");
    }
}
