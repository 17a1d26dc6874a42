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

    private readonly IOptions<DatabaseOptions> _options;
    private readonly IHostEnvironment _environment;
    private readonly string _connectionString;

    public WalCheckpointerTests()
    {
        _options = Options.Create(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "wal.db")}", SqliteWalPages = WalPages });
        _environment = new HostingEnvironment { ContentRootPath = _folder };
        _connectionString = DataExtensions.SqliteConnectionString(_options.Value, _folder);
        using var setup = new SqliteConnection(_connectionString);
        setup.Open();
        using var command = setup.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL);";
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task A_round_copies_a_full_log_back_and_the_next_write_starts_it_over_while_the_writers_own_checkpoint_waits()
    {
        using var gate = new WriteGate(_options, _environment);
        var checkpointer = new WalCheckpointer(_options, _environment, gate, NullLogger<WalCheckpointer>.Instance);
        await using var own = new SqliteConnection(_connectionString);
        await own.OpenAsync();

        // Two pages and a bit per transaction, on the gate's connection, as the engine's writers do.
        await WriteAsync(gate, 40);
        var full = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(full >= WalPages, $"the log held {full} pages: the writers checkpointed it themselves");

        await WriteAsync(gate, 1);
        var after = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(after < 10, $"the log held {after} pages after the round: it did not start over");

        Assert.Equal(WalCheckpointer.FallbackPages(_options.Value), await InGateAsync(gate, c => Scalar(c, "PRAGMA wal_autocheckpoint;")));

        await using var reader = new SqliteConnection(_connectionString);
        await reader.OpenAsync();
        Assert.Equal(41, await Scalar(reader, "SELECT count(*) FROM rows;"));
        Assert.Equal("ok", await Text(reader, "PRAGMA integrity_check;"));
    }

    [Fact]
    public async Task A_full_log_starts_over_even_when_a_writer_began_while_the_passive_checkpoint_copied_everything()
    {
        using var gate = new WriteGate(_options, _environment);
        var checkpointer = new WalCheckpointer(_options, _environment, gate, NullLogger<WalCheckpointer>.Instance);
        await using var own = new SqliteConnection(_connectionString);
        await own.OpenAsync();
        await WriteAsync(gate, 40);

        // A writer holds the gate and has begun its transaction (its snapshot predates the checkpoint) when the round starts.
        Task<long> round;
        using (var pass = await gate.EnterAsync(CancellationToken.None))
        {
            await using var db = await pass.CreateDbContextAsync(null!, CancellationToken.None);
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync();
            Assert.Equal(40, await Scalar(connection, "SELECT count(*) FROM rows;"));
            round = checkpointer.CheckpointAsync(own, CancellationToken.None);
            await Task.Delay(200);
            await Execute(connection, "INSERT INTO rows (data) VALUES (zeroblob(5000));");
            await transaction.CommitAsync();
        }

        Assert.True(await round >= WalPages);
        await WriteAsync(gate, 1);
        var after = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(after < 10, $"the log held {after} pages after the round: it did not start over");
    }

    [Fact]
    public async Task A_log_copied_inside_the_gate_is_not_copied_there_again_before_a_writer_starts_it_over()
    {
        using var gate = new WriteGate(_options, _environment);
        var checkpointer = new WalCheckpointer(_options, _environment, gate, NullLogger<WalCheckpointer>.Instance);
        await using var own = new SqliteConnection(_connectionString);
        await own.OpenAsync();
        await WriteAsync(gate, 40);
        Assert.True(await checkpointer.CheckpointAsync(own, CancellationToken.None) >= WalPages);

        // No writer has written since: the log is as long as it was, all of it copied. The next round must not wait for
        // the gate, which a writer now holds (before the fix it waited for it, then copied inside it what that writer wrote).
        long again;
        using (var pass = await gate.EnterAsync(CancellationToken.None))
        {
            again = await checkpointer.CheckpointAsync(own, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.True(again >= WalPages, $"the log held {again} pages: it started over without a writer");

        // The writer after it still starts the log over.
        await WriteAsync(gate, 1);
        var after = await checkpointer.CheckpointAsync(own, CancellationToken.None);
        Assert.True(after < 10, $"the log held {after} pages after the round: it did not start over");
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
