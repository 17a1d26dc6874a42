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
/// conversations at a time; a conversation's next messages are leased while its last one is in flight (a run). A failure waits with backoff (or as long as the platform asked) and holds up only its own
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

    /// <summary>
    /// A conversation's run: sends its leased messages in order and, while the last of them is in flight, leases the next
    /// ones (<see cref="DeliveryStore.ContinueAsync"/>), so they follow as soon as the platform answered, without a new
    /// lease of the conversation. The run ends when nothing more is pending, at the first message that must wait (giving
    /// the rest back), or when the node is full (the conversation goes back to the pool, oldest head first).
    /// </summary>
    private async Task RunAsync(List<LeasedDelivery> deliveries, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        Batch? batch;
        try
        {
            batch = new Batch(deliveries, leaseUntil, await ContextAsync(deliveries, cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing was sent: the lease goes back at once rather than when it runs out.
            logger.LogError(e, "Reading what conversation {ConversationId} needs failed; its messages are given back", deliveries[0].ConversationId);
            Release(0, deliveries);
            return;
        }

        try
        {
            while (batch is not null)
            {
                batch = await SendInOrderAsync(batch, cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever was not settled stays leased until the lease runs out, then goes again.
            logger.LogError(e, "Sending to conversation {ConversationId} failed", deliveries[0].ConversationId);
        }
    }

    /// <summary>Sends one lease's messages in order; returns the next lease of the conversation, or null when the run ends.</summary>
    private async Task<Batch?> SendInOrderAsync(Batch batch, CancellationToken cancellationToken)
    {
        var (deliveries, leaseUntil, context) = batch;
        for (var i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            var remaining = leaseUntil - clock.GetUtcNow().UtcDateTime;
            if (cancellationToken.IsCancellationRequested || remaining < options.Value.SendTimeout)
            {
                Release(context.AccountId, deliveries.Skip(i));
                return null;
            }

            // The next lease is taken before this node settles the last message, so the conversation is never free
            // in between for another node to start on.
            var last = i == deliveries.Count - 1;
            var next = last && _inFlight.Count < options.Value.MaxConversations ? ContinueAsync(delivery, cancellationToken) : null;
            SendResult result;
            try
            {
                result = await SendOneAsync(context, delivery, cancellationToken);
            }
            catch when (next is not null)
            {
                _ = next.ContinueWith(t => Release(0, t.IsCompletedSuccessfully ? t.Result?.Deliveries ?? [] : []), TaskScheduler.Default);
                throw;
            }

            var following = next is null ? null : await next;
            switch (result.Outcome)
            {
                case SendOutcome.Sent:
                    settler.Settle(Node, new Settlement(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Sent, result.ProviderMessageId));
                    break;
                case SendOutcome.Failed:
                    logger.LogWarning("Message {MessageId} failed: {Error}", delivery.MessageId, result.Error);
                    settler.Settle(Node, new Settlement(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Failed, Error: result.Error));
                    break;
                default:
                    if (delivery.Attempts + 1 >= options.Value.MaxAttempts)
                    {
                        var error = $"Gave up after {delivery.Attempts + 1} attempts: {result.Error}";
                        settler.Settle(Node, new Settlement(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Failed, Error: error));
                        break;
                    }

                    var wait = options.Value.Backoff(delivery.Attempts, result.RetryAfter, _random);
                    var at = clock.GetUtcNow().UtcDateTime + wait;
                    if (result.ConnectionPaused)
                    {
                        throttle.Pause(context.Inbox?.Id ?? delivery.InboxId, at);
                    }

                    logger.LogInformation("Message {MessageId} will be retried in {Wait}: {Error}", delivery.MessageId, wait, result.Error);
                    var retry = new Settlement(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Retry, Error: result.Error, NextAttemptAt: at);

                    // With the rest of the lease given back in the same write: the conversation is never seen half held.
                    settler.Settle(Node, [retry, .. Releases(context.AccountId, deliveries.Skip(i + 1).Concat(following?.Deliveries ?? []))]);
                    return null;
            }

            if (last)
            {
                return following;
            }
        }

        return null;
    }

    /// <summary>Leases the conversation's next messages after <paramref name="after"/> (still held) and reads what they need.</summary>
    private async Task<Batch?> ContinueAsync(LeasedDelivery after, CancellationToken cancellationToken)
    {
        List<LeasedDelivery> leased;
        DateTime until;
        await _databaseTurns.WaitAsync(cancellationToken);
        try
        {
            using var pass = await gate.EnterAsync(cancellationToken);
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            until = now + options.Value.Lease;
            leased = await DeliveryStore.ContinueAsync(db, Node, after.ConversationId, after.Id, now, until, options.Value.PerConversation, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Leasing the next messages of conversation {ConversationId} failed; it goes back to the pool", after.ConversationId);
            return null;
        }
        finally
        {
            _databaseTurns.Release();
        }

        if (leased.Count == 0)
        {
            return null;
        }

        try
        {
            return new Batch(leased, until, await ContextAsync(leased, cancellationToken));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Reading what conversation {ConversationId} needs failed; its next messages are given back", after.ConversationId);
            Release(0, leased);
            return null;
        }
    }

    private void Release(long accountId, IEnumerable<LeasedDelivery> rest)
    {
        var releases = Releases(accountId, rest);
        if (releases.Count > 0)
        {
            settler.Settle(Node, releases);
        }
    }

    private static List<Settlement> Releases(long accountId, IEnumerable<LeasedDelivery> rest) =>
        rest.Select(d => new Settlement(d.Id, d.MessageId, accountId, d.ConversationId, SettlementKind.Release)).ToList();

    /// <summary>Leased messages of one conversation, until when, and what sending them needs.</summary>
    private sealed record Batch(List<LeasedDelivery> Deliveries, DateTime LeaseUntil, SendContext Context);
}

/// <summary>Wakes the outbound dispatcher: a message waits to be pushed to a channel, or one was settled.</summary>
public sealed class OutboundSignal : Doorbell;
