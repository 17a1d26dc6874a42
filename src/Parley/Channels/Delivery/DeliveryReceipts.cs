using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>
/// Platforms' delivery and read receipts, applied to the messages they name. A status only moves forward (sent,
/// delivered, read); a failure reported after sending fails a message not yet delivered, with the platform's reason.
/// </summary>
public sealed class DeliveryReceipts(IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationEventHub hub)
{
    /// <summary>By the platform's ids of the messages (WhatsApp statuses, Messenger's delivery mids).</summary>
    public Task<int> ByIdsAsync(long inboxId, IReadOnlyCollection<string> providerIds, DeliveryStatus status, string? failure, CancellationToken ct) =>
        providerIds.Count == 0
            ? Task.FromResult(0)
            : ApplyAsync(db => db.Messages.Where(m => m.InboxId == inboxId && m.ChannelMessageId != null && providerIds.Contains(m.ChannelMessageId)),
                status, failure, ct);

    /// <summary>Every private business message to the contact on the inbox sent up to a time (Messenger's watermarks).</summary>
    public Task<int> UpToAsync(long inboxId, long contactId, DateTime watermark, DeliveryStatus status, CancellationToken ct) =>
        ApplyAsync(db => db.Messages.Where(m => m.InboxId == inboxId && m.CreatedAt <= watermark
                && db.Conversations.Any(c => c.Id == m.ConversationId && c.ContactId == contactId && !c.IsPublic)),
            status, null, ct);

    /// <summary>The statuses a receipt may move a message from: only forward, and a failure only before delivery.</summary>
    public static DeliveryStatus[] MovesFrom(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => [DeliveryStatus.Pending, DeliveryStatus.Sent],
        DeliveryStatus.Read => [DeliveryStatus.Pending, DeliveryStatus.Sent, DeliveryStatus.Delivered],
        DeliveryStatus.Failed => [DeliveryStatus.Pending, DeliveryStatus.Sent],
        _ => [],
    };

    private async Task<int> ApplyAsync(Func<ParleyDb, IQueryable<Message>> messages, DeliveryStatus status, string? failure, CancellationToken ct)
    {
        var from = MovesFrom(status);
        if (from.Length == 0)
        {
            return 0;
        }

        List<(long Id, long ConversationId, long AccountId)> changed;
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rows = await messages(db)
                .Where(m => m.AuthorKind != AuthorKind.Customer && from.Contains(m.DeliveryStatus))
                .Join(db.Conversations, m => m.ConversationId, c => c.Id, (m, c) => new { m.Id, m.ConversationId, c.AccountId })
                .ToListAsync(ct);
            changed = rows.Select(r => (r.Id, r.ConversationId, r.AccountId)).ToList();
            if (changed.Count == 0)
            {
                return 0;
            }

            var ids = changed.Select(c => c.Id).ToList();
            await db.Messages.Where(m => ids.Contains(m.Id) && from.Contains(m.DeliveryStatus))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveryStatus, status).SetProperty(m => m.FailureReason, m => failure ?? m.FailureReason), ct);
            await transaction.CommitAsync(ct);
        }

        foreach (var (id, conversationId, accountId) in changed)
        {
            hub.Publish(new DeliveryChanged(accountId, conversationId, id, status, failure));
        }

        return changed.Count;
    }
}
