using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// The one lock between a queue's deletion or rename and the writers that name it (publishing a flow, saving a public
/// bot, transferring a conversation). Each side takes it inside its own transaction, before it reads what it decides on:
/// the deletion and the rename hold the queue's row exclusively, a writer shares it, so one of them commits first and
/// the other decides on what it committed. On SQLite every transaction begins <c>IMMEDIATE</c> (one writer at a time),
/// which is the same exclusion for the whole database: the reads below are then plain reads inside it.
/// </summary>
/// <remarks>
/// The bot's handoffs (the inbound processor's hot path) take no lock here: they name a queue a published flow or an
/// inbox's bot names, which a deletion refuses, or the conversation's own queue, which a deletion refuses too (a queue
/// any conversation was in stays); what is left, a conversation still on an older flow version, is held by the
/// foreign key <c>conversations.queue_id → queues(id)</c>, whose check waits for the deletion's row lock.
/// </remarks>
public static class QueueLocks
{
    /// <summary>Holds the queue's row until the transaction ends (for deleting or renaming it); false when it is gone.</summary>
    public static async Task<bool> HoldAsync(ParleyDb db, long queueId, CancellationToken ct) =>
        await (db.Database.IsNpgsql()
            ? db.Queues.FromSql($"SELECT * FROM queues WHERE id = {queueId} FOR UPDATE")
            : db.Queues.Where(q => q.Id == queueId)).AnyAsync(ct);

    /// <summary>Whether the queue is one of the account's, its row shared until the transaction ends.</summary>
    public static async Task<bool> ShareAsync(ParleyDb db, long accountId, long queueId, CancellationToken ct) =>
        await (db.Database.IsNpgsql()
            ? db.Queues.FromSql($"SELECT * FROM queues WHERE id = {queueId} AND account_id = {accountId} FOR SHARE")
            : db.Queues.Where(q => q.Id == queueId && q.AccountId == accountId)).AnyAsync(ct);

    /// <summary>The names among <paramref name="names"/> no queue of the account has; the others' rows shared until the transaction ends.</summary>
    public static async Task<IReadOnlyList<string>> ShareByNameAsync(ParleyDb db, long accountId, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var wanted = names.Distinct(StringComparer.Ordinal).ToArray();
        var found = await (db.Database.IsNpgsql()
            ? db.Queues.FromSql($"SELECT * FROM queues WHERE account_id = {accountId} AND name = ANY({wanted}) ORDER BY id FOR SHARE")
            : db.Queues.Where(q => q.AccountId == accountId && wanted.Contains(q.Name))).Select(q => q.Name).ToListAsync(ct);
        return wanted.Except(found, StringComparer.Ordinal).ToList();
    }
}
