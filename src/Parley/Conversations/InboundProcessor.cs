using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>
/// Runs the bot or routing for each stored customer message, in order per conversation. Conversations are
/// spread over a few partitions by id, so one conversation is only ever handled by one loop at a time.
/// On start, and every half minute, it picks up messages left unprocessed (for example by a crash).
/// </summary>
public sealed partial class InboundProcessor(
    IDbContextFactory<ParleyDb> dbs,
    InboundSignal signal,
    ConversationWriter writer,
    InboxDirectory inboxes,
    IConversationBot bot,
    BotContinuations continuations,
    PublicThreads publicThreads,
    WriteGate gate,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private const int Partitions = 4;
    private const int MaxBatch = 64;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);
    private volatile bool _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _running = true;
        using var stopped = stoppingToken.Register(() => _running = false);
        var partitions = Enumerable.Range(0, Partitions)
            .Select(_ => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
        var loops = partitions.Select(p => RunPartitionAsync(p.Reader, stoppingToken)).ToList();
        loops.Add(SweepAsync(stoppingToken));
        try
        {
            await foreach (var conversationId in signal.Reader.ReadAllAsync(stoppingToken))
            {
                partitions[conversationId % Partitions].Writer.TryWrite(conversationId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        foreach (var partition in partitions)
        {
            partition.Writer.TryComplete();
        }

        await Task.WhenAll(loops);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
                {
                    foreach (var conversationId in await EngineStore.WithUnprocessedAsync(db, stoppingToken))
                    {
                        signal.Ring(conversationId);
                    }
                }

                await Task.Delay(SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sweep for unprocessed messages failed");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task RunPartitionAsync(ChannelReader<long> reader, CancellationToken stoppingToken)
    {
        var batch = new HashSet<long>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var id))
            {
                batch.Add(id);
            }

            try
            {
                await ProcessBatchAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A batch of {Count} conversations failed; processing them one by one", batch.Count);
                if (!await ProcessEachAsync(batch, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    /// <returns>False when stopping.</returns>
    private async Task<bool> ProcessEachAsync(IEnumerable<long> conversationIds, CancellationToken stoppingToken)
    {
        foreach (var conversationId in conversationIds)
        {
            try
            {
                while (await ProcessNextAsync(conversationId, stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                // Left unprocessed: the sweep tries again.
                logger.LogError(e, "Processing conversation {ConversationId} failed", conversationId);
            }
        }

        return true;
    }

    /// <summary>
    /// Called by <see cref="InboundWriter"/> right after it committed customers' messages and answered their senders, still
    /// holding the write gate: on SQLite, where every writer queues on that gate anyway, it processes them at once instead
    /// of ringing a partition loop that would wait for the gate again. Ordering holds: each run takes every unprocessed
    /// message of its conversations in seq order inside the one write transaction the gate allows. On PostgreSQL (open
    /// gate, concurrent writers) only the partition loops process, one at a time per conversation.
    /// </summary>
    /// <returns>False when nothing was done (not running, not SQLite, or failed): the caller rings the signal instead.</returns>
    internal async Task<bool> ProcessAcceptedAsync(WriteGate.Pass heldPass, IReadOnlyCollection<long> conversationIds)
    {
        if (!_running || !heldPass.IsExclusive || conversationIds.Count == 0)
        {
            return false;
        }

        try
        {
            await ProcessBatchHeldAsync(heldPass, conversationIds, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            // Stored and acknowledged already: the partition loops retry them one by one.
            logger.LogDebug(e, "Processing {Count} conversations right after their messages were stored failed", conversationIds.Count);
            return false;
        }
    }
}
