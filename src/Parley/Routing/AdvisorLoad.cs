using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Routing;

/// <summary>An advisor's load in load units, per kind of conversation.</summary>
public readonly record struct KindLoads(int Private, int Public)
{
    public int For(ConversationKind kind) => kind == ConversationKind.Public ? Public : Private;

    /// <summary>This load with <paramref name="units"/> more of the kind.</summary>
    public KindLoads Plus(ConversationKind kind, int units) =>
        kind == ConversationKind.Public ? this with { Public = Public + units } : this with { Private = Private + units };
}

/// <summary>
/// An advisor's load, which their capacities limit: the conversations assigned to them that are Assigned or
/// WaitingForCustomer (queued ones, the bot's and resolved ones do not count), each counting its channel's weight in its
/// account (<see cref="ChannelWeight"/>, 1 when none is set) against the capacity of its kind: public threads against
/// <see cref="Identity.Advisor.PublicCapacity"/>, private conversations against <see cref="Identity.Advisor.Capacity"/>.
/// The one statement of that rule.
/// </summary>
public static class AdvisorLoad
{
    private static readonly Expression<Func<Conversation, bool>> Counts = c => c.AssigneeId != null
        && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer);

    /// <summary>
    /// The statuses of <see cref="Counts"/>, for PostgreSQL's count (<see cref="EngineStore.ReadLoadsAsync"/>), and restated
    /// by the load versions' triggers (SQLite 0038, PostgreSQL 0041), which a test checks against this list.
    /// </summary>
    internal static readonly ConversationStatus[] CountingStatuses = [ConversationStatus.Assigned, ConversationStatus.WaitingForCustomer];

    public static ConversationKind KindOf(bool isPublic) => isPublic ? ConversationKind.Public : ConversationKind.Private;

    /// <summary>What a conversation on the channel counts for in the account.</summary>
    public static int Units(IReadOnlyDictionary<(long AccountId, ChannelKind Channel), int> weights, long accountId, ChannelKind channel) =>
        weights.GetValueOrDefault((accountId, channel), 1);

    /// <summary>Every channel weight that is set (a small table: a few rows per account).</summary>
    public static Task<Dictionary<(long AccountId, ChannelKind Channel), int>> WeightsAsync(ParleyDb db, CancellationToken cancellationToken) =>
        db.ChannelWeights.AsNoTracking().ToDictionaryAsync(w => (w.AccountId, w.Channel), w => w.Units, cancellationToken);

    /// <summary>
    /// The load of each of the advisors, in the context's transaction if it has one; absent means none. PostgreSQL counts
    /// with <see cref="EngineStore.ReadLoadsAsync"/>, which groups by hashing, given the statuses of <see cref="Counts"/>.
    /// </summary>
    /// <param name="weights">The channel weights the caller read already, if it did; read here otherwise.</param>
    public static async Task<Dictionary<long, KindLoads>> OfAsync(
        ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken, IReadOnlyDictionary<(long AccountId, ChannelKind Channel), int>? weights = null)
    {
        var rows = db.Database.IsNpgsql()
            ? await EngineStore.ReadLoadsAsync(db, advisorIds, CountingStatuses, cancellationToken)
            : (await db.Conversations.Where(Counts)
                .Where(c => EF.Parameter(advisorIds).Contains(c.AssigneeId!.Value))
                // Grouped in the assignee index's order (0033: assignee, status, account, channel, public), so the groups
                // come from the index as it is read, with no sort; the two counting statuses are added up below.
                .GroupBy(c => new { AdvisorId = c.AssigneeId!.Value, c.Status, c.AccountId, c.Channel, c.IsPublic })
                .Select(g => new { g.Key.AdvisorId, g.Key.AccountId, g.Key.Channel, g.Key.IsPublic, Count = g.Count() })
                .ToListAsync(cancellationToken))
                .ConvertAll(g => (g.AdvisorId, g.AccountId, g.Channel, g.IsPublic, g.Count));
        weights ??= rows.Count == 0 ? [] : await WeightsAsync(db, cancellationToken);
        var loads = new Dictionary<long, KindLoads>();
        foreach (var row in rows)
        {
            loads[row.AdvisorId] = loads.GetValueOrDefault(row.AdvisorId).Plus(KindOf(row.IsPublic), row.Count * Units(weights, row.AccountId, row.Channel));
        }

        return loads;
    }
}
