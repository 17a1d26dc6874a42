using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>A conversation's run: its leased messages in order, lease after lease, and what goes back when it stops.</summary>
public sealed partial class OutboundDispatcher
{
    /// <summary>
    /// A conversation's run: sends its leased messages in order and, halfway through them, leases the next ones
    /// (<see cref="DeliveryStore.ContinueAsync"/>), so they follow as soon as the platform answered the last one, without
    /// a new lease of the conversation. The run ends when nothing more is pending, at the first message that must wait (giving
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

    /// <summary>
    /// Sends one lease's messages in order, one at a time or several per call where the connector chains them; returns the
    /// next lease of the conversation, or null when the run ends.
    /// </summary>
    private async Task<Batch?> SendInOrderAsync(Batch batch, CancellationToken cancellationToken)
    {
        var (deliveries, leaseUntil, context) = batch;
        Task<Batch?>? next = null;
        try
        {
            for (var i = 0; i < deliveries.Count;)
            {
                var remaining = leaseUntil - clock.GetUtcNow().UtcDateTime;
                if (cancellationToken.IsCancellationRequested || remaining < options.Value.SendTimeout)
                {
                    Release(context.AccountId, deliveries.Skip(i).Concat(await TakenAsync(next)));
                    return null;
                }

                // The next lease is taken once this call reaches halfway through this one, while this node holds the last message of
                // it: the conversation is never free in between for another node to start on, and the next lease is ready when the
                // last message is answered (runs started together reach their ends together, and queue for the database).
                var size = ChainSize(context, deliveries.Count - i);
                if (next is null && i + size - 1 >= deliveries.Count / 2 && _inFlight.Count < options.Value.MaxConversations)
                {
                    next = ContinueAsync(deliveries[^1], cancellationToken);
                }

                var group = deliveries.GetRange(i, size);
                var results = await SendAsync(context, group, cancellationToken);
                var settled = 0;
                for (; settled < size; settled++)
                {
                    var delivery = group[settled];
                    var result = results[settled];
                    if (result is null && settled > 0)
                    {
                        // Not run by the platform (one before it did not go): it is sent again, from here, as the next call.
                        break;
                    }

                    result ??= SendResult.Retry("The platform did not run this message.");
                    var last = i + settled == deliveries.Count - 1;

                    // Settling the last message gives up the hold the next lease is conditioned on: it waits for that lease.
                    var following = last && next is not null ? await next : null;
                    switch (result.Outcome)
                    {
                        case SendOutcome.Sent:
                            settler.Settle(Node, Sent(context, delivery, result));
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

                            // A later message of the same call that went anyway is kept as sent, never sent twice.
                            var after = Enumerable.Range(settled + 1, size - settled - 1).ToList();
                            var wentAnyway = after.Where(k => results[k]?.Outcome == SendOutcome.Sent).Select(k => Sent(context, group[k], results[k]!));
                            var notRun = after.Where(k => results[k]?.Outcome != SendOutcome.Sent).Select(k => group[k]);

                            // With the rest of the lease, and the next one, given back in the same write: the conversation is never seen half held.
                            var rest = notRun.Concat(deliveries.Skip(i + size)).Concat(following?.Deliveries ?? (last ? [] : await TakenAsync(next)));
                            settler.Settle(Node, [retry, .. wentAnyway, .. Releases(context.AccountId, rest)]);
                            return null;
                    }

                    if (last)
                    {
                        return following;
                    }
                }

                i += settled;
            }

            return null;
        }
        catch when (next is not null)
        {
            // Never sent: the next lease goes back (once taken) rather than waiting for the lease to run out.
            _ = next.ContinueWith(t => Release(0, t.IsCompletedSuccessfully ? t.Result?.Deliveries ?? [] : []), TaskScheduler.Default);
            throw;
        }
    }

    private static Settlement Sent(SendContext context, LeasedDelivery delivery, SendResult result) =>
        new(delivery.Id, delivery.MessageId, context.AccountId, delivery.ConversationId, SettlementKind.Sent, result.ProviderMessageId);

    private static async Task<IEnumerable<LeasedDelivery>> TakenAsync(Task<Batch?>? next) => next is null ? [] : (await next)?.Deliveries ?? [];

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
