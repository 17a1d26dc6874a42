using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>One call to a platform, and what it needs from the database.</summary>
public sealed partial class OutboundDispatcher
{
    /// <summary>
    /// Sends a conversation's next messages: one alone, or several in one call where the connector chains them
    /// (<see cref="ChainSize"/>). The results come in their order; null for one the platform did not run.
    /// </summary>
    private async Task<IReadOnlyList<SendResult?>> SendAsync(SendContext context, List<LeasedDelivery> group, CancellationToken cancellationToken)
    {
        var results = new SendResult?[group.Count];
        if (Unsendable(context, out var connector) is { } refusal)
        {
            results[0] = refusal;
            return results;
        }

        var rate = context.Connection?.RatePerSecond ?? connector.Capabilities.SendRatePerSecond;
        foreach (var _ in group)
        {
            await throttle.WaitAsync(context.Inbox!.Id, rate, cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            var outbound = new List<OutboundMessage>(group.Count);
            var positions = new List<int>(group.Count);
            for (var i = 0; i < group.Count; i++)
            {
                if (!context.Messages.TryGetValue(group[i].MessageId, out var message))
                {
                    results[i] = SendResult.Fail("The message no longer exists.");
                    continue;
                }

                // A stored file goes by a link made now, so its lifetime counts from this attempt (a retry gets a fresh one).
                var payload = await mediaLinks.WithLinkAsync(MessagePayload.Parse(message.PayloadJson), context.Inbox!.Channel, timeout.Token);
                outbound.Add(new OutboundMessage(message, context.Inbox, context.Connection, context.RecipientId!, context.LastCustomerMessageAt,
                    payload, context.IsPublic));
                positions.Add(i);
            }

            var sent = outbound.Count switch
            {
                0 => [],
                1 => [await connector.SendAsync(outbound[0], timeout.Token)],
                _ => await ((IChainedSends)connector).SendChainAsync(outbound, timeout.Token),
            };
            for (var i = 0; i < positions.Count; i++)
            {
                results[positions[i]] = sent[i];
            }

            return results;
        }
        catch (HttpRequestException e)
        {
            results[0] = SendResult.Retry($"The platform could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            results[0] = SendResult.Retry($"The platform did not answer within {options.Value.SendTimeout.TotalSeconds:0} s.");
        }

        // Whether any of them went is not known: the first one counts an attempt, the others go again with it.
        Array.Fill(results, null, 1, results.Length - 1);
        return results;
    }

    /// <summary>How many of a conversation's next messages go in one call: up to the connector's chain, private messages only.</summary>
    private int ChainSize(SendContext context, int remaining) =>
        context.Inbox is { } inbox && !context.IsPublic && connectors.Find(inbox.Channel) is IChainedSends chain
            ? Math.Clamp(chain.ChainLimit, 1, remaining)
            : 1;

    /// <summary>Why nothing can be sent to this conversation now, or null with the connector that sends.</summary>
    private SendResult? Unsendable(SendContext context, out IChannelConnector connector)
    {
        connector = null!;
        if (context.Inbox is null)
        {
            return SendResult.Fail("The message or its inbox no longer exists.");
        }

        if (connectors.Find(context.Inbox.Channel) is not { } found)
        {
            return SendResult.Fail($"No connector sends to {context.Inbox.Channel}.");
        }

        connector = found;
        if (context.RecipientId is null)
        {
            return SendResult.Fail("The customer has no identity on this channel to send to.");
        }

        return context.Connection is { Enabled: false }
            ? SendResult.Retry("The connection is disabled; the message waits until an admin enables it again.")
            : null;
    }

    /// <summary>What sending a conversation's leased messages needs: read again for each lease, so it is never stale for long.</summary>
    private async Task<SendContext> ContextAsync(List<LeasedDelivery> deliveries, CancellationToken cancellationToken)
    {
        await _databaseTurns.WaitAsync(cancellationToken);
        try
        {
            return await ReadContextAsync(deliveries, cancellationToken);
        }
        finally
        {
            _databaseTurns.Release();
        }
    }

    private async Task<SendContext> ReadContextAsync(List<LeasedDelivery> deliveries, CancellationToken cancellationToken)
    {
        var first = deliveries[0];
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var ids = deliveries.Select(d => d.MessageId).ToList();
        var messages = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var conversation = await db.Conversations.AsNoTracking()
            .Where(c => c.Id == first.ConversationId)
            .Select(c => new { c.AccountId, c.ContactId, c.LastCustomerMessageAt, c.IsPublic })
            .FirstOrDefaultAsync(cancellationToken);
        var recipient = conversation is null ? null : await db.ContactIdentities.AsNoTracking()
            .Where(i => i.ContactId == conversation.ContactId && i.InboxId == first.InboxId)
            .Select(i => i.ExternalId)
            .FirstOrDefaultAsync(cancellationToken);
        var inbox = await inboxes.FindAsync(first.InboxId, cancellationToken);
        var connection = await connections.FindByInboxAsync(first.InboxId, cancellationToken);
        return new SendContext(conversation?.AccountId ?? 0, inbox, connection, recipient, conversation?.LastCustomerMessageAt, messages,
            conversation?.IsPublic ?? false);
    }

    private sealed record SendContext(
        long AccountId,
        Inbox? Inbox,
        ConnectionCredentials? Connection,
        string? RecipientId,
        DateTime? LastCustomerMessageAt,
        Dictionary<long, Message> Messages,
        bool IsPublic);
}
