using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>One call to a platform, and what it needs from the database.</summary>
public sealed partial class OutboundDispatcher
{
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
            // A stored file goes by a link made now, so its lifetime counts from this attempt (a retry gets a fresh one).
            var payload = await mediaLinks.WithLinkAsync(MessagePayload.Parse(message.PayloadJson), context.Inbox.Channel, timeout.Token);
            var outbound = new OutboundMessage(message, context.Inbox, context.Connection, context.RecipientId, context.LastCustomerMessageAt,
                payload, context.IsPublic);
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
