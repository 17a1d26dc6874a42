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
/// conversations at a time. A failure waits with backoff (or as long as the platform asked) and holds up only its own
/// conversation; a permanent one fails the message, with the platform's reason shown, and the next one goes.
/// </summary>
/// <remarks>
/// A message is marked sent only after the platform accepted it, so a crash means a retry once the lease runs out, never
/// a loss; the platform may then get that one message twice (none of the four takes an idempotency key).
/// </remarks>
public sealed class OutboundDispatcher(
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
                // Each settled batch rings, and a lease reads every pending delivery's conversation: under load, leasing on
                // every ring kept the write gate busy with scans that mostly found nothing. Spaced out, one lease picks up
                // the conversations that became ready meanwhile; an idle node still leases at once.
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

        var leased = await LeaseAsync(room, cancellationToken);
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

            var until = clock.GetUtcNow().UtcDateTime + options.Value.Lease;
            var task = Task.Run(() => SendConversationAsync(deliveries, until, cancellationToken), CancellationToken.None);
            _inFlight[group.Key] = task;
            started++;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<long, Task>(group.Key, task)), TaskScheduler.Default);
        }

        return started;
    }

    private async Task<List<LeasedDelivery>> LeaseAsync(int conversations, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var leased = await DeliveryStore.LeaseAsync(db, Node, now, now + options.Value.Lease, conversations, options.Value.PerConversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return leased;
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

    /// <summary>Sends one conversation's leased messages in order; stops at the first that must wait, giving the rest back.</summary>
    private async Task SendConversationAsync(List<LeasedDelivery> deliveries, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        try
        {
            await SendInOrderAsync(deliveries, leaseUntil, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever was not settled stays leased until the lease runs out, then goes again.
            logger.LogError(e, "Sending to conversation {ConversationId} failed", deliveries[0].ConversationId);
        }
    }

    private async Task SendInOrderAsync(List<LeasedDelivery> deliveries, DateTime leaseUntil, CancellationToken cancellationToken)
    {
        var first = deliveries[0];
        var context = await ContextAsync(first, deliveries, cancellationToken);
        for (var i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            var remaining = leaseUntil - clock.GetUtcNow().UtcDateTime;
            if (cancellationToken.IsCancellationRequested || remaining < options.Value.SendTimeout)
            {
                Release(context.AccountId, deliveries.Skip(i));
                return;
            }

            var result = await SendOneAsync(context, delivery, cancellationToken);
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
                    var next = clock.GetUtcNow().UtcDateTime + wait;
                    if (result.ConnectionPaused)
                    {
                        throttle.Pause(context.Inbox?.Id ?? delivery.InboxId, next);
                    }

                    logger.LogInformation("Message {MessageId} will be retried in {Wait}: {Error}", delivery.MessageId, wait, result.Error);
                    settler.Settle(Node, new Settlement(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Retry, Error: result.Error, NextAttemptAt: next));
                    Release(context.AccountId, deliveries.Skip(i + 1));
                    return;
            }
        }
    }

    private void Release(long accountId, IEnumerable<LeasedDelivery> rest)
    {
        foreach (var d in rest)
        {
            settler.Settle(Node, new Settlement(d.Id, d.MessageId, accountId, d.ConversationId, SettlementKind.Release));
        }
    }

    private async Task<SendResult> SendOneAsync(SendContext context, LeasedDelivery delivery, CancellationToken cancellationToken)
    {
        if (!context.Messages.TryGetValue(delivery.MessageId, out var message) || context.Inbox is null)
        {
            return SendResult.Fail("The message or its inbox no longer exists.");
        }

        var connector = connectors.Find(context.Inbox.Channel);
        if (connector is null)
        {
            return SendResult.Fail($"No connector sends to {context.Inbox.Channel}.");
        }

        if (context.RecipientId is null)
        {
            return SendResult.Fail("The customer has no identity on this channel to send to.");
        }

        if (context.Connection is { Enabled: false })
        {
            return SendResult.Retry("The connection is disabled; the message waits until an admin enables it again.");
        }

        var rate = context.Connection?.RatePerSecond ?? connector.Capabilities.SendRatePerSecond;
        await throttle.WaitAsync(context.Inbox.Id, rate, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            var outbound = new OutboundMessage(message, context.Inbox, context.Connection, context.RecipientId, context.LastCustomerMessageAt,
                MessagePayload.Parse(message.PayloadJson));
            return await connector.SendAsync(outbound, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            return SendResult.Retry($"The platform could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Retry($"The platform did not answer within {options.Value.SendTimeout.TotalSeconds:0} s.");
        }
    }

    private async Task<SendContext> ContextAsync(LeasedDelivery first, List<LeasedDelivery> deliveries, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var ids = deliveries.Select(d => d.MessageId).ToList();
        var messages = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var conversation = await db.Conversations.AsNoTracking()
            .Where(c => c.Id == first.ConversationId)
            .Select(c => new { c.AccountId, c.ContactId, c.LastCustomerMessageAt })
            .FirstOrDefaultAsync(cancellationToken);
        var recipient = conversation is null ? null : await db.ContactIdentities.AsNoTracking()
            .Where(i => i.ContactId == conversation.ContactId && i.InboxId == first.InboxId)
            .Select(i => i.ExternalId)
            .FirstOrDefaultAsync(cancellationToken);
        var inbox = await inboxes.FindAsync(first.InboxId, cancellationToken);
        var connection = await connections.FindByInboxAsync(first.InboxId, cancellationToken);
        return new SendContext(conversation?.AccountId ?? 0, inbox, connection, recipient, conversation?.LastCustomerMessageAt, messages);
    }

    private sealed record SendContext(
        long AccountId,
        Inbox? Inbox,
        ConnectionCredentials? Connection,
        string? RecipientId,
        DateTime? LastCustomerMessageAt,
        Dictionary<long, Message> Messages);
}

/// <summary>Wakes the outbound dispatcher: a message waits to be pushed to a channel, or one was settled.</summary>
public sealed class OutboundSignal : Doorbell;
