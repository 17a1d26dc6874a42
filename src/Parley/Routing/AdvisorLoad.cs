using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// An advisor's load, which their capacity limits: the conversations assigned to them that are Assigned or
/// WaitingForCustomer (queued ones, the bot's and resolved ones do not count). The one statement of that rule.
/// </summary>
public static class AdvisorLoad
{
    private static readonly Expression<Func<Conversation, bool>> Counts = c => c.AssigneeId != null
        && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer);

    /// <summary>The load of each of the advisors, in the context's transaction if it has one; absent means none.</summary>
    public static Task<Dictionary<long, int>> OfAsync(ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken) =>
        db.Conversations.Where(Counts)
            .Where(c => advisorIds.Contains(c.AssigneeId!.Value))
            .GroupBy(c => c.AssigneeId!.Value)
            .Select(g => new { AdvisorId = g.Key, Load = g.Count() })
            .ToDictionaryAsync(g => g.AdvisorId, g => g.Load, cancellationToken);
}
