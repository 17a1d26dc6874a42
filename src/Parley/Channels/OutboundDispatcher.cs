using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Delivers pending outbound messages of push channels through their connector, oldest first, retrying
/// transient failures with backoff. A message is marked sent only after the channel accepted it, so a crash
/// means a retry, never a loss (channels dedupe by our message id where they can).
/// </summary>
public sealed class OutboundDispatcher(
    IDbContextFactory<ParleyDb> dbs,
    ChannelConnectors connectors,
    OutboundSignal signal,
    ILogger<OutboundDispatcher> logger) : BackgroundService
{
    public const int MaxAttempts = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Outbound dispatch failed; retrying");
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    /// <summary>Sends one batch; returns how many messages it settled.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var pending = await db.Messages
            .Where(m => m.DeliveryStatus == DeliveryStatus.Pending && m.AuthorKind != AuthorKind.Customer)
            .OrderBy(m => m.Id)
            .Take(50)
            .ToListAsync(cancellationToken);
        var settled = 0;
        foreach (var message in pending)
        {
            var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == message.ConversationId, cancellationToken);
            var inbox = await db.Inboxes.AsNoTracking().FirstAsync(i => i.Id == conversation.InboxId, cancellationToken);
            var recipient = await db.ContactIdentities.AsNoTracking()
                .Where(i => i.ContactId == conversation.ContactId && i.InboxId == inbox.Id)
                .Select(i => i.ExternalId)
                .FirstOrDefaultAsync(cancellationToken);
            var connector = connectors.Find(inbox.Channel);
            SendResult result;
            if (connector is null || recipient is null)
            {
                result = new SendResult(false, Permanent: true, Error: connector is null ? "no connector" : "no recipient");
            }
            else
            {
                try
                {
                    result = await connector.SendAsync(inbox, message, recipient, cancellationToken);
                }
                catch (HttpRequestException e)
                {
                    result = new SendResult(false, Error: e.Message);
                }
            }

            message.DeliveryAttempts++;
            if (result.Delivered)
            {
                message.DeliveryStatus = DeliveryStatus.Sent;
                settled++;
            }
            else if (result.Permanent || message.DeliveryAttempts >= MaxAttempts)
            {
                message.DeliveryStatus = DeliveryStatus.Failed;
                logger.LogWarning("Message {Id} failed permanently: {Error}", message.Id, result.Error);
                settled++;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return settled;
    }
}

/// <summary>Wakes the outbound dispatcher: a message waits to be pushed to a channel.</summary>
public sealed class OutboundSignal : Doorbell;
