using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

public sealed partial class Router
{
    /// <summary>
    /// Commits planned allocations in one transaction, in plan order: each conversation still in the wait it was planned for
    /// goes to its advisor if the advisor is still online and still has room for it; the others stay queued. Returns each
    /// allocation's outcome.
    /// </summary>
    /// <remarks>
    /// The plan used loads read without a lock: another pass, here or on another node, may have filled an advisor since.
    /// Holding the advisors' rows (PostgreSQL, in id order, before the conversations' rows, as every writer that takes
    /// both; on SQLite the write gate excludes every other writer) makes the loads taken here (counted in one grouped
    /// query, or known from this router's last commit when nobody moved them since: <see cref="LoadsAsync"/>) and the
    /// assignments one step, so two passes cannot both take an advisor's last place. The loads then grow with each
    /// assignment of the batch. On a concurrency failure (a writer that changed a conversation without its lock) the
    /// batch is rolled back and its allocations are committed one by one, so one conflict costs only its conversation.
    /// </remarks>
    /// <param name="team">The team the plan was made with, if any: see <see cref="AdvisorsAsync"/>.</param>
    /// <param name="read">The conversations as the plan read them, if it did: see <see cref="CurrentAsync"/>.</param>
    internal async Task<IReadOnlyList<Outcome>> CommitAsync(
        IReadOnlyList<Allocation> allocations, CancellationToken cancellationToken, RoutingTeam? team = null, IReadOnlyDictionary<long, Conversation>? read = null)
    {
        try
        {
            return await CommitBatchAsync(allocations, team, read, cancellationToken);
        }
        catch (DbUpdateConcurrencyException) when (allocations.Count > 1)
        {
            // The failed batch changed its copies in memory: each conversation is read again.
            var outcomes = new List<Outcome>();
            foreach (var allocation in allocations)
            {
                outcomes.AddRange(await CommitAsync([allocation], cancellationToken, team));
            }

            return outcomes;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Taken over or changed meanwhile; the next pass sees the fresh state.
            return [Outcome.NoLongerQueued];
        }
    }

    private async Task<IReadOnlyList<Outcome>> CommitBatchAsync(
        IReadOnlyList<Allocation> allocations, RoutingTeam? team, IReadOnlyDictionary<long, Conversation>? read, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var advisorIds = allocations.Select(a => a.AdvisorId).Distinct().ToList();
        await EngineStore.LockAdvisorsAsync(db, advisorIds, cancellationToken);
        var advisors = await AdvisorsAsync(db, pass, team, advisorIds, cancellationToken);
        var weights = await AdvisorLoad.WeightsAsync(db, cancellationToken);
        var conversationIds = allocations.Select(a => a.ConversationId).ToList();
        var conversations = await CurrentAsync(db, await EngineStore.LockVersionsAsync(db, conversationIds, cancellationToken), read, cancellationToken);
        var (loads, versions) = await LoadsAsync(db, advisorIds, weights, cancellationToken);

        var outcomes = new Outcome[allocations.Count];
        var events = new List<ConversationEvent>();
        var assigned = new List<Conversation>();
        var joined = new List<Message>();
        var reports = new List<ReportingEvent>();
        for (var i = 0; i < allocations.Count; i++)
        {
            var allocation = allocations[i];
            if (advisors.GetValueOrDefault(allocation.AdvisorId) is not { Presence: Presence.Online } advisor)
            {
                outcomes[i] = Outcome.AdvisorUnavailable;
                continue;
            }

            if (conversations.GetValueOrDefault(allocation.ConversationId) is not { Status: ConversationStatus.Queued } conversation
                || (allocation.QueuedAt is { } wait && (conversation.QueuedAt ?? conversation.CreatedAt) != wait))
            {
                outcomes[i] = Outcome.NoLongerQueued;
                continue;
            }

            var kind = AdvisorLoad.KindOf(conversation.IsPublic);
            var units = AdvisorLoad.Units(weights, conversation.AccountId, conversation.Channel);
            var load = loads.GetValueOrDefault(advisor.Id);
            if (load.For(kind) + units > (kind == ConversationKind.Public ? advisor.PublicCapacity : advisor.Capacity))
            {
                outcomes[i] = Outcome.AdvisorFull;
                continue;
            }

            loads[advisor.Id] = load.Plus(kind, units);
            var (message, report) = writer.Assign(conversation, advisor.Id, advisor.DisplayName, events);
            conversation.AssignmentReason = WithTransferNote(allocation.Reason ?? new AssignmentReason(AssignmentRule.Skills), AssignmentReason.Parse(conversation.AssignmentReason)).ToJson();
            assigned.Add(conversation);
            joined.Add(message);
            reports.Add(report);
            outcomes[i] = Outcome.Assigned;
        }

        if (assigned.Count > 0)
        {
            await EngineStore.StoreAssignmentsAsync(db, assigned, joined, reports, cancellationToken);
            // SQLite: the versions this batch's own assignments moved, read back. PostgreSQL: those it claimed.
            var left = db.Database.GetDbConnection() is SqliteConnection sqlite ? EngineStore.LoadVersions(sqlite, advisorIds) : versions;
            await transaction.CommitAsync(cancellationToken);
            writer.Publish(events);
            Known.Remember(left, loads);
        }

        // Counted under the locks and grown by each assignment, now committed: the next pass plans on these.
        _snapshots.Correct(advisorIds, loads, allocations);

        return outcomes;
    }

    /// <summary>
    /// The loads of the batch's advisors, exact under the advisors' and conversations' locks (PostgreSQL) or the write gate
    /// (SQLite): taken from <see cref="KnownLoads"/> for the advisors whose load version has not moved since this router's
    /// last commit for them, counted for the others. Returned with the versions: on SQLite as they are now (this batch's
    /// own writes then move them), on PostgreSQL as this batch claimed them, one past those the loads are exact at.
    /// </summary>
    private async Task<(Dictionary<long, KindLoads> Loads, Dictionary<long, long> Versions)> LoadsAsync(
        ParleyDb db, List<long> advisorIds, Dictionary<(long AccountId, ChannelKind Channel), int> weights, CancellationToken cancellationToken)
    {
        var sqlite = db.Database.GetDbConnection() as SqliteConnection;
        var versions = sqlite is not null ? EngineStore.LoadVersions(sqlite, advisorIds) : await EngineStore.ClaimLoadVersionsAsync(db, advisorIds, cancellationToken);
        var loads = await Known.LoadsAsync(
            db, sqlite is not null ? versions : versions.ToDictionary(v => v.Key, v => v.Value - 1), weights, byPlan: false, cancellationToken);
        return (loads, versions);
    }

    /// <summary>
    /// The batch's advisors as they are now. On SQLite, under the write gate, when the routing counter has not moved since
    /// the team of the plan was read, that team is still exact: every change of an advisor's presence, capacities or name
    /// moves the counter in its own transaction (0025, 0034), and none can commit while this one writes. Its online
    /// advisors are taken from it, with no read of their rows (one query instead of a thousand rows per batch). Otherwise,
    /// and always on PostgreSQL (whose counter moves at commit, and whose batches hold the advisors' row locks), they are
    /// read.
    /// </summary>
    private static async Task<Dictionary<long, CommitAdvisor>> AdvisorsAsync(
        ParleyDb db, WriteGate.Pass pass, RoutingTeam? team, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken)
    {
        if (team is not null && pass.IsExclusive && await RoutingVersion.ReadAsync(db, cancellationToken) == team.Version)
        {
            var ids = advisorIds.ToHashSet();
            return team.Advisors.Where(a => ids.Contains(a.Id))
                .ToDictionary(a => a.Id, a => new CommitAdvisor(a.Id, a.DisplayName, Presence.Online, a.Capacity, a.PublicCapacity));
        }

        return await db.Advisors.AsNoTracking().Where(a => EF.Parameter(advisorIds).Contains(a.Id))
            .Select(a => new CommitAdvisor(a.Id, a.DisplayName, a.Presence, a.Capacity, a.PublicCapacity))
            .ToDictionaryAsync(a => a.Id, cancellationToken);
    }

    /// <summary>
    /// The batch's conversations as they are now, under their locks: the plan's copies whose version is still the one read
    /// (every write of the columns a commit reads or writes moves it: <see cref="ConversationWriter.Touch"/>, the inbound
    /// writer's numbering, <see cref="EngineStore.StoreAssignmentsAsync"/>), and the others read again. Absent: no longer
    /// exists.
    /// </summary>
    private static async Task<Dictionary<long, Conversation>> CurrentAsync(
        ParleyDb db, Dictionary<long, long> versions, IReadOnlyDictionary<long, Conversation>? read, CancellationToken cancellationToken)
    {
        var current = new Dictionary<long, Conversation>(versions.Count);
        var stale = new List<long>();
        foreach (var (id, version) in versions)
        {
            if (read?.GetValueOrDefault(id) is { } copy && copy.Version == version)
            {
                current[id] = copy;
            }
            else
            {
                stale.Add(id);
            }
        }

        if (stale.Count > 0)
        {
            foreach (var conversation in await db.Conversations.AsNoTracking().Where(c => EF.Parameter(stale).Contains(c.Id)).ToListAsync(cancellationToken))
            {
                current[conversation.Id] = conversation;
            }
        }

        return current;
    }

    /// <summary>What a commit needs of an advisor: presence and capacities to check, the name for the "joined" message.</summary>
    private sealed record CommitAdvisor(long Id, string DisplayName, Presence Presence, int Capacity, int PublicCapacity);
}
