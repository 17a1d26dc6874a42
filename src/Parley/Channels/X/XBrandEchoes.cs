using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.X;

/// <summary>
/// Tells Parley's own DMs among the account's echoes. X delivers every DM the account sends, Parley's too, and the echo
/// may arrive before the send's answer (its DM event id) is recorded: so a message counts as Parley's when its id is
/// known, or when Parley is sending (or just sent, id not recorded yet) the same text to that contact (none for a file).
/// </summary>
public sealed class XBrandEchoes(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    /// <summary>How long after its last send attempt a message without a recorded id may still be echoed.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public async Task<bool> SentByParleyAsync(long inboxId, long contactId, string eventId, string text, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Messages.AnyAsync(m => m.InboxId == inboxId && m.ChannelMessageId == eventId, ct))
        {
            return true;
        }

        var since = clock.GetUtcNow().UtcDateTime - Window;
        var sending = await db.Deliveries.AsNoTracking()
            .Where(d => d.InboxId == inboxId && (d.LeaseUntil != null || d.UpdatedAt >= since))
            .Join(db.Messages, d => d.MessageId, m => m.Id, (d, m) => m)
            .Where(m => m.ChannelMessageId == null && m.AuthorKind != AuthorKind.Customer
                && db.Conversations.Any(c => c.Id == m.ConversationId && c.ContactId == contactId))
            .ToListAsync(ct);
        var echoed = XMessageText.Comparable(text);
        return sending.Any(m => XMessageText.Comparable(XMessageText.Sent(m, MessagePayload.Parse(m.PayloadJson))) == echoed);
    }
}
