using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Tests.Data;

public sealed class WalCheckpointerTests : IDisposable
{
    private const int WalPages = 64;
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-wal-").FullName;

    [Fact]
    public async Task A_round_copies_a_full_log_back_and_the_next_write_starts_it_over_while_the_writers_own_checkpoint_waits()
    {
        var options = Options.Create(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "wal.db")}", SqliteWalPages = WalPages });
        IHostEnvironment environment = new HostingEnvironment { ContentRootPath = _folder };
        var connectionString = DataExtensions.SqliteConnectionString(options.Value, _folder);
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await Execute(setup, "PRAGMA journal_mode=WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL);");
        }

        using var gate = new WriteGate(options, environment);
        var checkpointer = new WalCheckpointer(options, environment, gate, NullLogger<WalCheckpointer>.Instance);
        await using var own = new SqliteConnection(connectionString);
        await own.OpenAsync();

        // Two pages and a bit per transaction, on the gate's connection, as the engine's writers do.
        await WriteAsync(gate, 40);
        var full = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(full >= WalPages, $"the log held {full} pages: the writers checkpointed it themselves");

        await WriteAsync(gate, 1);
        var after = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(after < 10, $"the log held {after} pages after the round: it did not start over");

        Assert.Equal(WalCheckpointer.FallbackPages(options.Value), await InGateAsync(gate, c => Scalar(c, "PRAGMA wal_autocheckpoint;")));

        await using var reader = new SqliteConnection(connectionString);
        await reader.OpenAsync();
        Assert.Equal(41, await Scalar(reader, "SELECT count(*) FROM rows;"));
        Assert.Equal("ok", await Text(reader, "PRAGMA integrity_check;"));
    }

    private static async Task WriteAsync(WriteGate gate, int transactions)
    {
        for (var i = 0; i < transactions; i++)
        {
            await InGateAsync(gate, async c =>
            {
                await Execute(c, "INSERT INTO rows (data) VALUES (zeroblob(5000));");
                return 0;
            });
        }
    }

    private static async Task<T> InGateAsync<T>(WriteGate gate, Func<SqliteConnection, Task<T>> action)
    {
        using var pass = await gate.EnterAsync(CancellationToken.None);
        // On SQLite the gate hands out contexts on its own connection and does not use the pool.
        await using var db = await pass.CreateDbContextAsync(null!, CancellationToken.None);
        return await action((SqliteConnection)db.Database.GetDbConnection());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string?> Text(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string?)await command.ExecuteScalarAsync();
    }
}
