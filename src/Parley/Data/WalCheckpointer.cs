using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Parley.Data;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own, so that the writers
/// behind the <see cref="WriteGate"/> only append to the log. Left to SQLite, the connection whose commit takes the
/// log past 1,000 pages runs the checkpoint itself: it copies the pages and waits for two fsyncs, and every other
/// writer waits for it.
/// </summary>
/// <remarks>
/// A passive checkpoint runs beside the writers and copies the pages logged up to its start. The log file starts
/// over only when a writer begins after a checkpoint caught up with the last commit. Under a steady stream of writes
/// one has always begun meanwhile, even when the passive checkpoint copied everything. So once the log holds
/// <see cref="DatabaseOptions.SqliteWalPages"/> pages, the checkpointer finishes inside the gate, where no writer
/// appends, and the next writer starts the log over. Until a writer has written again, the log keeps its size: a round
/// that finds it as the gate left it does not enter the gate again (it would wait for the writer in it, then copy,
/// inside the gate, what that writer wrote after starting the log over). Every connection keeps SQLite's automatic
/// checkpoint, at <see cref="FallbackPages"/>, in case this service is not running.
/// </remarks>
public sealed class WalCheckpointer(
    IOptions<DatabaseOptions> options,
    IHostEnvironment environment,
    WriteGate gate,
    ILogger<WalCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>The log's size when a round inside the gate last copied all of it; -1 when the last one did not.</summary>
    private long _copiedInGate = -1;

    /// <summary>The automatic checkpoint of every connection: a safety net well above the checkpointer's mark.</summary>
    public static int FallbackPages(DatabaseOptions options) => 8 * options.SqliteWalPages;

    /// <summary>
    /// One round: a passive checkpoint, then, when the log holds the configured pages, one inside the gate that copies
    /// what was appended meanwhile, which leaves the log ready to start over.
    /// </summary>
    /// <returns>The pages the log held at the start of the round (0 when the database is not in WAL mode).</returns>
    public async Task<long> CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var (pages, _) = await PassiveAsync(connection, cancellationToken);
        if (pages >= options.Value.SqliteWalPages && pages != _copiedInGate)
        {
            using var pass = await gate.EnterAsync(cancellationToken);
            var (inGate, copied) = await PassiveAsync(connection, cancellationToken);
            _copiedInGate = inGate == copied ? inGate : -1;
        }

        return pages;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        await using var connection = await SqlitePragmas.OpenAsync(
            DataExtensions.SqliteConnectionString(options.Value, environment.ContentRootPath), options.Value, stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckpointAsync(connection, stoppingToken);
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SqliteException e)
            {
                logger.LogWarning(e, "A WAL checkpoint failed; trying again shortly");
                await Task.Delay(Interval, stoppingToken);
            }
        }
    }

    /// <returns>The pages in the log and those of them now in the database file (0, 0 when the database is not in WAL mode).</returns>
    private static async Task<(long Pages, long Copied)> PassiveAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (Math.Max(0, reader.GetInt64(1)), Math.Max(0, reader.GetInt64(2))) : (0, 0);
    }
}
