using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Tests.Data;

/// <summary>
/// SQLite's one writer at a time, PostgreSQL's few: callers marked first (a webhook's journal entry) go before the
/// background's batches.
/// </summary>
public sealed class WriteGateTests
{
    [Fact]
    public async Task Writers_marked_first_pass_before_the_others_each_kind_in_arrival_order_and_a_cancelled_waiter_is_skipped()
    {
        using var gate = SqliteGate();
        var order = new List<string>();
        var holder = await gate.EnterAsync(CancellationToken.None);

        using var giveUp = new CancellationTokenSource();
        var waiters = new List<Task>
        {
            PassAsync(gate, "batch 1", first: false, order),
            PassAsync(gate, "webhook 1", first: true, order),
            PassAsync(gate, "gave up", first: true, order, giveUp.Token),
            PassAsync(gate, "batch 2", first: false, order),
            PassAsync(gate, "webhook 2", first: true, order),
        };
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiters[2]);
        Assert.Empty(order);

        holder.Dispose();
        await Task.WhenAll(waiters.Where(w => !w.IsCanceled));
        Assert.Equal(["webhook 1", "webhook 2", "batch 1", "batch 2"], order);

        // Free again: the next one passes at once.
        using var again = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task On_PostgreSQL_the_configured_number_of_writers_pass_at_once_and_the_next_waits_with_priority_kept()
    {
        using var gate = new WriteGate(
            Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=unused", PostgresWriters = 2 }),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        var first = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var second = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(first.IsExclusive);

        var order = new List<string>();
        var waiters = new[] { PassAsync(gate, "batch", first: false, order), PassAsync(gate, "webhook", first: true, order) };
        await Task.Delay(100);
        Assert.Empty(order);

        first.Dispose();
        await waiters[1].WaitAsync(TimeSpan.FromSeconds(5));
        second.Dispose();
        await waiters[0].WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["webhook", "batch"], order);

        // Both turns free again: two pass at once.
        using var a = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        using var b = await gate.EnterAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_SQLite_writers_connection_keeps_a_large_page_cache_and_its_statement_journals_in_memory()
    {
        using var gate = SqliteGate();
        using var pass = await gate.EnterAsync(CancellationToken.None);
        await using var db = await pass.CreateDbContextAsync(null!, CancellationToken.None);
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA cache_size";
        Assert.Equal(-WriteGate.WriterCacheKilobytes, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        command.CommandText = "PRAGMA temp_store";
        Assert.Equal(2L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)); // 2: MEMORY
    }

    [Fact]
    public async Task Disposing_the_gate_waits_for_the_writer_in_a_transaction_on_its_connection()
    {
        var gate = SqliteGate();
        var pass = await gate.EnterAsync(CancellationToken.None);
        var db = await pass.CreateDbContextAsync(null!, CancellationToken.None);
        var file = db.Database.GetDbConnection().ConnectionString;
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE t (x INTEGER)");
        var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO t VALUES (1)");

        // The host disposes the gate while a writer that outlived its stop is still in its transaction.
        var disposing = Task.Run(gate.Dispose);
        await Task.Delay(200);
        Assert.False(disposing.IsCompleted, "The gate closed its connection under a writer.");

        await db.Database.ExecuteSqlRawAsync("INSERT INTO t VALUES (2)");
        await transaction.CommitAsync();
        await transaction.DisposeAsync();
        await db.DisposeAsync();
        pass.Dispose();
        await disposing.WaitAsync(TimeSpan.FromSeconds(5));

        // The writer committed, and nothing enters after the gate is disposed.
        await using var check = new Microsoft.Data.Sqlite.SqliteConnection(file);
        await check.OpenAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
        var late = gate.EnterAsync(CancellationToken.None).AsTask();
        await Task.WhenAny(late, Task.Delay(200));
        Assert.False(late.IsCompleted, "A writer entered a disposed gate.");
    }

    [Fact]
    public void PostgreSQL_writers_default_to_twice_the_processors() =>
        Assert.Equal(2 * Environment.ProcessorCount, new DatabaseOptions { Provider = DatabaseProvider.Postgres }.PostgresWriterLimit());

    private static WriteGate SqliteGate()
    {
        var folder = Directory.CreateTempSubdirectory("parley-gate-").FullName;
        return new WriteGate(
            Options.Create(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(folder, "gate.db")}" }),
            new HostingEnvironment { ContentRootPath = folder });
    }

    private static async Task PassAsync(WriteGate gate, string name, bool first, List<string> order, CancellationToken ct = default)
    {
        using var pass = await gate.EnterAsync(ct, first);
        lock (order)
        {
            order.Add(name);
        }

        await Task.Yield();
    }
}
