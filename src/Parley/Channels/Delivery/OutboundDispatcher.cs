using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>
/// Sends outbound messages of push channels. It leases due deliveries in the database (<see cref="DeliveryStore.LeaseAsync"/>),
/// so nodes never send the same message at once, and sends each conversation's messages one after the other, many
/// conversations at a time; a conversation's next messages are leased while it is being sent to (a run). A failure waits with backoff (or as long as the platform asked) and holds up only its own
/// conversation; a permanent one fails the message, with the platform's reason shown, and the next one goes.
/// </summary>
/// <remarks>
/// A message is marked sent only after the platform accepted it, so a crash means a retry once the lease runs out, never
/// a loss; the platform may then get that one message twice (none of the four takes an idempotency key).
/// </remarks>
public sealed partial class OutboundDispatcher(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    ChannelConnectors connectors,
    InboxDirectory inboxes,
    ConnectionDirectory connections,
    ConnectionThrottle throttle,
    DeliverySettler settler,
    OutboundSignal signal,
    Media.MediaLinks mediaLinks,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<OutboundDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly Random _random = new();

    /// <summary>
    /// The runs' reads and next leases that may use a database connection at once. Runs started together end their leases
    /// together: 100 of them each opening a connection at the same moment took PostgreSQL past its connection slots.
    /// </summary>
    private readonly SemaphoreSlim _databaseTurns = new(8);

    /// <summary>This node's name on its leases: unique per process and start.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastLease = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = 0;
            try
            {
                // Each settled batch rings, and a lease reads the head of every conversation with pending deliveries: under
                // load, leasing on every ring kept the write gate busy with passes that mostly found nothing (the runs go on
                // by themselves). Spaced out, one lease picks up the conversations that became ready meanwhile; an idle node
                // still leases at once.
                var spacing = options.Value.LeaseSpacing - Stopwatch.GetElapsedTime(lastLease);
                if (lastLease != 0 && spacing > TimeSpan.Zero)
                {
                    await Task.Delay(spacing, stoppingToken);
                }

                lastLease = Stopwatch.GetTimestamp();
                started = await LeaseAndStartAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Leasing outbound deliveries failed; retrying");
            }

            if (started == 0)
            {
                await signal.WaitAsync(await IdleWaitAsync(stoppingToken), stoppingToken);
            }
        }

        await Task.WhenAll(_inFlight.Values);
    }

    /// <summary>Leases what is ready and starts sending it; returns how many conversations it started.</summary>
    public async Task<int> LeaseAndStartAsync(CancellationToken cancellationToken)
    {
        var room = options.Value.MaxConversations - _inFlight.Count;
        if (room <= 0)
        {
            return 0;
        }

        var (leased, until) = await LeaseAsync(room, cancellationToken);
        var started = 0;
        foreach (var group in leased.GroupBy(d => d.ConversationId))
        {
            var deliveries = group.ToList();
            if (_inFlight.ContainsKey(group.Key))
            {
                // This node is still in a call for that conversation, past its lease (a platform that does not answer):
                // the lease goes back, so that another node takes the conversation over rather than this one queuing behind itself.
                Release(0, deliveries);
                continue;
            }

            var task = Task.Run(() => RunAsync(deliveries, until, cancellationToken), CancellationToken.None);
            _inFlight[group.Key] = task;
            started++;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<long, Task>(group.Key, task)), TaskScheduler.Default);
        }

        return started;
    }

    private async Task<(List<LeasedDelivery> Leased, DateTime Until)> LeaseAsync(int conversations, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + options.Value.Lease;
        var leased = await DeliveryStore.LeaseAsync(db, Node, now, until, conversations, options.Value.PerConversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (leased, until);
    }

    private async Task<TimeSpan> IdleWaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var due = await DeliveryStore.NextDueAsync(db, cancellationToken);
            var wait = due is { } at ? at - clock.GetUtcNow().UtcDateTime : TimeSpan.FromSeconds(5);
            return wait < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : wait;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TimeSpan.FromSeconds(1);
        }
    }
}

/// <summary>Wakes the outbound dispatcher: a message waits to be pushed to a channel, or one was settled.</summary>
public sealed class OutboundSignal : Doorbell;
