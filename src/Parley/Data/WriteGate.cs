using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Parley.Data;

/// <summary>
/// Serialises this process's hot write transactions on SQLite, which has one writer at a time: waiting here
/// is a queue, while waiting inside SQLite is its busy handler, which sleeps in steps of up to 100 ms.
/// PostgreSQL writes concurrently, so there the gate lets <see cref="DatabaseOptions.PostgresWriters"/> through at
/// once: a burst of writers beyond the server's cores only queues inside it, each holding a pooled connection that the
/// consoles' reads then wait for.
/// </summary>
/// <remarks>
/// On SQLite the gate also owns the one connection its writers use, kept open. SQLite keeps a page cache per
/// connection and drops all of it when another connection changed the database; with every gated writer on one
/// connection, the B-tree pages a write needs are still in memory from the previous one.
/// </remarks>
public sealed class WriteGate : IDisposable
{
    /// <summary>SQLite: the page cache of the writers' one connection, in KiB (SQLite's own default is 2,000).</summary>
    public const int WriterCacheKilobytes = 65_536;

    private readonly Turns _turns;
    private readonly bool _exclusive;
    private readonly string? _connectionString;
    private readonly DatabaseOptions _options;
    private SqliteConnection? _connection;
    private PooledDbContextFactory<ParleyDb>? _contexts;

    public WriteGate(IOptions<DatabaseOptions> options, IHostEnvironment environment)
    {
        _exclusive = options.Value.Provider == DatabaseProvider.Sqlite;
        _turns = new Turns(_exclusive ? 1 : options.Value.PostgresWriterLimit());
        if (_exclusive)
        {
            _connectionString = DataExtensions.SqliteConnectionString(options.Value, environment.ContentRootPath);
        }

        _options = options.Value;
    }

    /// <param name="first">
    /// Goes before every writer not marked so: for the writes a caller waits on to be answered (a webhook's journal entry),
    /// which are small, while the background's batches can wait a transaction longer.
    /// </param>
    public async ValueTask<Pass> EnterAsync(CancellationToken cancellationToken, bool first = false)
    {
        await _turns.WaitAsync(first, cancellationToken);
        return new Pass(this);
    }

    /// <summary>How long disposal waits for a writer still holding the gate.</summary>
    internal static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Closes the writers' connection once no writer holds it. A task that outlived the host's stop (a settlement written
    /// later, for one) may still be in a transaction on it: closing the connection under it rolled that transaction back
    /// from this thread while the writer's own thread finished it, which failed in the SQLite provider. The turn is taken
    /// and kept, so nothing writes after this; a writer that holds on past <see cref="DisposeWait"/> keeps the connection,
    /// left to the process's end.
    /// </summary>
    public void Dispose()
    {
        if (_connection is { } connection && _turns.WaitAsync(first: true, CancellationToken.None).Wait(DisposeWait))
        {
            connection.Dispose();
        }
    }

    /// <remarks>On SQLite called only while holding the one turn, so one caller at a time uses (or opens) the connection.</remarks>
    private async ValueTask<ParleyDb> CreateDbContextAsync(IDbContextFactory<ParleyDb> pool, CancellationToken cancellationToken)
    {
        if (!_exclusive)
        {
            return await pool.CreateDbContextAsync(cancellationToken);
        }

        if (_connection is null)
        {
            var connection = await SqlitePragmas.OpenAsync(_connectionString!, _options, cancellationToken);
            await using (var pragma = connection.CreateCommand())
            {
                // Every hot write goes through this one connection: its page cache holds the indexes they change (about
                // ten per assignment) across writes. SQLite's default, 2 MB, did not: routing 4,377 → 4,994 assignments/s
                // with 64 MB (mean of four alternating runs each; docs/PERFORMANCE.md).
                // A write that may fail halfway (foreign keys, triggers: every conversation update and message insert)
                // copies each page it changes into a statement journal first, a temporary file by default, to undo
                // only itself; in memory, those copies cost no file writes (routing about +20 %, docs/PERFORMANCE.md).
                pragma.CommandText = $"PRAGMA cache_size=-{WriterCacheKilobytes}; PRAGMA temp_store=MEMORY";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            // Pooled: a new context per pass costs more than the statements of a small batch.
            _contexts = new PooledDbContextFactory<ParleyDb>(new DbContextOptionsBuilder<ParleyDb>().UseSqlite(connection).Options, poolSize: 8);
            _connection = connection;
        }

        return await _contexts!.CreateDbContextAsync(cancellationToken);
    }

    public readonly struct Pass(WriteGate gate) : IDisposable
    {
        /// <summary>True when this pass excludes every other gated writer of the process (SQLite).</summary>
        public bool IsExclusive => gate._exclusive;

        /// <summary>A context for this pass's writes: on SQLite on the gate's connection, on PostgreSQL from the pool.</summary>
        public ValueTask<ParleyDb> CreateDbContextAsync(IDbContextFactory<ParleyDb> pool, CancellationToken cancellationToken) =>
            gate.CreateDbContextAsync(pool, cancellationToken);

        public void Dispose() => gate._turns.Release();
    }

    /// <summary><paramref name="holders"/> at a time; waiters marked first go before the others, each kind in arrival order.</summary>
    private sealed class Turns(int holders)
    {
        private readonly Lock _lock = new();
        private readonly Queue<TaskCompletionSource> _first = new();
        private readonly Queue<TaskCompletionSource> _others = new();
        private int _held;

        public Task WaitAsync(bool first, CancellationToken cancellationToken)
        {
            TaskCompletionSource turn;
            lock (_lock)
            {
                if (_held < holders)
                {
                    _held++;
                    return Task.CompletedTask;
                }

                turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (first ? _first : _others).Enqueue(turn);
            }

            if (cancellationToken.CanBeCanceled)
            {
                // A waiter that gives up is skipped when its turn comes (it never got the gate: nothing to release).
                var registration = cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken));
                _ = turn.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
            }

            return turn.Task;
        }

        public void Release()
        {
            while (true)
            {
                TaskCompletionSource? next;
                lock (_lock)
                {
                    if (!_first.TryDequeue(out next) && !_others.TryDequeue(out next))
                    {
                        _held--;
                        return;
                    }
                }

                // The turn passes straight to the next waiter; one that was cancelled meanwhile hands it on.
                if (next.TrySetResult())
                {
                    return;
                }
            }
        }
    }
}
