using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>
/// Records what became of leased deliveries, many in one transaction (the dispatcher's calls end in bursts), then tells
/// the consoles and wakes the dispatcher: a conversation's next message is ready once the one before it is settled.
/// Settlements handed in together are written together (a retry and the rest of its lease given back).
/// </summary>
public sealed class DeliverySettler(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    ConversationEventHub hub,
    OutboundSignal signal,
    TimeProvider clock,
    ILogger<DeliverySettler> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<(string Node, IReadOnlyList<Settlement> Settlements)> _queue =
        Channel.CreateUnbounded<(string, IReadOnlyList<Settlement>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Lock _startLock = new();
    private Task? _loop;

    public void Settle(string node, Settlement settlement) => Settle(node, [settlement]);

    /// <summary>Settlements recorded in one transaction, never split between two.</summary>
    public void Settle(string node, IReadOnlyList<Settlement> settlements)
    {
        if (settlements.Count == 0)
        {
            return;
        }

        EnsureStarted();
        _queue.Writer.TryWrite((node, settlements));
    }

    /// <summary>Waits until every settlement handed in so far is recorded (tests, shutdown).</summary>
    public async Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_startLock)
        {
            _flushes.Add(done);
        }

        EnsureStarted();
        _queue.Writer.TryWrite((string.Empty, [FlushMarker]));
        await done.Task;
    }

    private static readonly Settlement FlushMarker = new(0, 0, 0, 0, SettlementKind.Release);
    private readonly List<TaskCompletionSource> _flushes = [];

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<(string Node, Settlement Settlement)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var flush = false;
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                if (ReferenceEquals(next.Settlements[0], FlushMarker))
                {
                    flush = true;
                    continue;
                }

                batch.AddRange(next.Settlements.Select(s => (next.Node, s)));
            }

            if (batch.Count > 0)
            {
                await WriteWithRetriesAsync(batch);
            }

            if (flush)
            {
                List<TaskCompletionSource> waiting;
                lock (_startLock)
                {
                    waiting = [.. _flushes];
                    _flushes.Clear();
                }

                waiting.ForEach(w => w.TrySetResult());
            }
        }
    }

    private async Task WriteWithRetriesAsync(List<(string Node, Settlement Settlement)> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch);
                return;
            }
            catch (Exception e) when (attempt < 10)
            {
                // Unrecorded, a sent message would be sent again when its lease runs out: keep trying for a while.
                logger.LogWarning(e, "Recording {Count} deliveries failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch (Exception e)
            {
                logger.LogError(e, "Recording {Count} deliveries failed; their leases will run out and they will be retried", batch.Count);
                return;
            }
        }
    }

    private async Task WriteAsync(List<(string Node, Settlement Settlement)> batch)
    {
        var applied = new List<Settlement>(batch.Count);
        using (var pass = await gate.EnterAsync(CancellationToken.None))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, CancellationToken.None);
            await using var transaction = await db.Database.BeginTransactionAsync();
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var node in batch.GroupBy(b => b.Node))
            {
                applied.AddRange(await DeliveryStore.SettleAsync(db, node.Key, node.Select(n => n.Settlement).ToList(), now, CancellationToken.None));
            }

            await transaction.CommitAsync();
        }

        foreach (var s in applied.Where(s => s.Kind is SettlementKind.Sent or SettlementKind.Failed))
        {
            hub.Publish(new DeliveryChanged(s.AccountId, s.ConversationId, s.MessageId,
                s.Kind == SettlementKind.Sent ? DeliveryStatus.Sent : DeliveryStatus.Failed, s.Kind == SettlementKind.Failed ? s.Error : null));
        }

        signal.Ring();
    }
}
