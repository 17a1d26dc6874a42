using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// Sticky routing: the advisor who last helped a customer is the one who last replied to them, on any of their
/// conversations; a returning customer goes back to them when that reply is within the queue's
/// <see cref="Queue.StickySeconds"/> of the new wait, and they are online with room (the planner decides the rest).
/// </summary>
public static class StickyRouting
{
    /// <summary>The last advisor reply to each of the contacts since <paramref name="since"/>: one query for the batch.</summary>
    public static async Task<Dictionary<long, (long AdvisorId, DateTime At)>> LastAdvisorsAsync(
        ParleyDb db, IReadOnlyCollection<long> contactIds, DateTime since, CancellationToken ct)
    {
        if (contactIds.Count == 0)
        {
            return [];
        }

        var replies = await db.Conversations.AsNoTracking()
            .Where(c => EF.Parameter(contactIds).Contains(c.ContactId))
            .Join(db.Messages.Where(m => m.AuthorKind == AuthorKind.Advisor && m.AuthorId != null && m.CreatedAt >= since),
                c => c.Id, m => m.ConversationId, (c, m) => new { c.ContactId, AdvisorId = m.AuthorId!.Value, m.CreatedAt, m.Id })
            .ToListAsync(ct);
        return replies.GroupBy(r => r.ContactId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Select(r => (r.AdvisorId, r.CreatedAt)).First());
    }

    public static long? AdvisorFor(IReadOnlyDictionary<long, (long AdvisorId, DateTime At)> last, long contactId, DateTime queuedAt, TimeSpan window) =>
        window > TimeSpan.Zero && last.TryGetValue(contactId, out var reply) && reply.At >= queuedAt - window ? reply.AdvisorId : null;
}
