using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Console.Supervision;

/// <summary>
/// The supervision figures of an account, or of one of its teams (the queues its members serve, and its members). A few
/// grouped queries on indexed columns (conversations by queue and status, reporting events by account, name and time),
/// one per distinct service-level target rather than one per queue, since many supervisors refresh the view.
/// Service level is over the last hour (<see cref="ServiceLevelWindow"/>), rolling.
/// </summary>
public sealed class SupervisionQueries(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public static readonly TimeSpan ServiceLevelWindow = TimeSpan.FromHours(1);

    /// <summary>The accounts the caller supervises, with their teams; empty for anyone else.</summary>
    public async Task<IReadOnlyList<SupervisedAccount>> AccountsAsync(AdvisorSession by, CancellationToken ct)
    {
        if (!by.CanSupervise)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Where(a => by.AccountIds.Contains(a.Id)).OrderBy(a => a.Name)
            .Select(a => new ScopeOption(a.Id, a.Name)).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => by.AccountIds.Contains(t.AccountId)).OrderBy(t => t.Name)
            .Select(t => new { t.AccountId, Option = new ScopeOption(t.Id, t.Name) }).ToListAsync(ct);
        return accounts.Select(a => new SupervisedAccount(a.Id, a.Name, teams.Where(t => t.AccountId == a.Id).Select(t => t.Option).ToList())).ToList();
    }

    public async Task<Supervised<SupervisionBoard>> BoardAsync(AdvisorSession by, long accountId, long? teamId, CancellationToken ct)
    {
        if (Refusal<SupervisionBoard>(by, accountId) is { } refused)
        {
            return refused;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (teamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team && t.AccountId == accountId, ct))
        {
            return Supervised.Refused<SupervisionBoard>(SupervisionRefusal.NotFound, "No such team in this account.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var queues = await QueuesAsync(db, accountId, teamId, now, ct);
        var advisors = await AdvisorsAsync(db, accountId, teamId, now, ct);
        var alerts = queues.Where(q => q.Alert).OrderByDescending(q => q.LongestWaitSeconds)
            .Select(q => new WaitAlert(q.QueueId, q.Name, q.LongestWaitSeconds!.Value, q.Targets.AlertAfterSeconds)).ToList();
        return new(new SupervisionBoard(accountId, teamId, now, alerts, queues, advisors));
    }

    /// <summary>The conversations waiting in the queue or assigned from it (oldest wait first), for reassigning.</summary>
    public async Task<Supervised<IReadOnlyList<QueueConversation>>> QueueConversationsAsync(AdvisorSession by, long queueId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accountId = await db.Queues.Where(q => q.Id == queueId).Select(q => (long?)q.AccountId).FirstOrDefaultAsync(ct);
        if (Refusal<IReadOnlyList<QueueConversation>>(by, accountId ?? 0) is { } refused)
        {
            return refused;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Conversations.AsNoTracking()
            .Where(c => c.QueueId == queueId && (c.Status == ConversationStatus.Queued || c.Status == ConversationStatus.Assigned
                || c.Status == ConversationStatus.WaitingForCustomer))
            .OrderBy(c => c.Status == ConversationStatus.Queued ? 0 : 1).ThenBy(c => c.QueuedAt).ThenBy(c => c.Id)
            .Take(100)
            .Select(c => new
            {
                c.Id, c.Status, c.AssigneeId, c.QueuedAt, c.Priority,
                Contact = db.Contacts.Where(k => k.Id == c.ContactId).Select(k => k.Name).FirstOrDefault(),
                Assignee = db.Advisors.Where(a => a.Id == c.AssigneeId).Select(a => a.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return new(rows.Select(r => new QueueConversation(r.Id, r.Contact, r.Status, r.AssigneeId, r.Assignee,
            r.Status == ConversationStatus.Queued && r.QueuedAt is { } at ? Seconds(now - at) : null, r.Priority)).ToList());
    }

    /// <summary>Supervisors and admins, in their own accounts: an advisor is refused, another account does not exist for them.</summary>
    internal static Supervised<T>? Refusal<T>(AdvisorSession by, long accountId) =>
        !by.CanSupervise ? Supervised.Refused<T>(SupervisionRefusal.Forbidden, "Only supervisors and admins supervise the floor.")
        : !by.CanAccess(accountId) ? Supervised.Refused<T>(SupervisionRefusal.NotFound, "No such account among yours.")
        : null;

    private static async Task<List<QueueFigures>> QueuesAsync(ParleyDb db, long accountId, long? teamId, DateTime now, CancellationToken ct)
    {
        var queues = await db.Queues.AsNoTracking()
            .Where(q => q.AccountId == accountId)
            .Where(q => teamId == null || db.AdvisorQueues.Any(m => m.QueueId == q.Id
                && db.AdvisorTeams.Any(t => t.TeamId == teamId && t.AdvisorId == m.AdvisorId)))
            .OrderBy(q => q.Name).ThenBy(q => q.Id)
            .Select(q => new { q.Id, q.Name }).ToListAsync(ct);
        var ids = queues.Select(q => q.Id).ToList();
        var set = await db.QueueTargets.AsNoTracking().Where(t => ids.Contains(t.QueueId))
            .ToDictionaryAsync(t => t.QueueId, t => new QueueTargetsDto(t.AnswerWithinSeconds, t.AlertAfterSeconds), ct);
        var targets = ids.ToDictionary(id => id, id => set.GetValueOrDefault(id) ?? QueueTargets.Default);

        var since = now - ServiceLevelWindow;
        var waiting = new Dictionary<long, (int Count, DateTime? Oldest, int PastTarget)>();
        var answered = new Dictionary<long, (int Count, int InTarget)>();
        // Queues sharing a target share a query; usually every queue has the default, and it is one query each.
        foreach (var sameTarget in targets.GroupBy(t => t.Value.AnswerWithinSeconds, t => t.Key))
        {
            var inQueues = sameTarget.ToList();
            var target = sameTarget.Key;
            var cutoff = now.AddSeconds(-target);
            var queued = await db.Conversations
                .Where(c => c.Status == ConversationStatus.Queued && c.QueueId != null && inQueues.Contains(c.QueueId.Value))
                .GroupBy(c => c.QueueId!.Value)
                .Select(g => new { QueueId = g.Key, Count = g.Count(), Oldest = g.Min(c => c.QueuedAt), PastTarget = g.Count(c => c.QueuedAt <= cutoff) })
                .ToListAsync(ct);
            queued.ForEach(w => waiting[w.QueueId] = (w.Count, w.Oldest, w.PastTarget));

            var replies = await db.ReportingEvents
                .Where(e => e.AccountId == accountId && e.Name == ReportingEventNames.FirstHumanReply && e.OccurredAt >= since)
                .Join(db.Conversations, e => e.ConversationId, c => c.Id, (e, c) => new { c.QueueId, e.Value })
                .Where(x => x.QueueId != null && inQueues.Contains(x.QueueId.Value))
                .GroupBy(x => x.QueueId!.Value)
                .Select(g => new { QueueId = g.Key, Count = g.Count(), InTarget = g.Count(x => x.Value <= target) })
                .ToListAsync(ct);
            replies.ForEach(r => answered[r.QueueId] = (r.Count, r.InTarget));
        }

        return queues.Select(q =>
        {
            var (count, oldest, pastTarget) = waiting.GetValueOrDefault(q.Id);
            var (replied, inTarget) = answered.GetValueOrDefault(q.Id);
            var counted = replied + pastTarget;
            return new QueueFigures(q.Id, q.Name, count, oldest is { } at ? Seconds(now - at) : null, replied, inTarget, pastTarget,
                counted == 0 ? null : (double)inTarget / counted, targets[q.Id]);
        }).ToList();
    }

    private static async Task<List<AdvisorFigures>> AdvisorsAsync(ParleyDb db, long accountId, long? teamId, DateTime now, CancellationToken ct)
    {
        var advisors = await db.Advisors.AsNoTracking()
            .Where(a => db.AdvisorAccounts.Any(m => m.AdvisorId == a.Id && m.AccountId == accountId))
            .Where(a => teamId == null || db.AdvisorTeams.Any(t => t.AdvisorId == a.Id && t.TeamId == teamId))
            .OrderBy(a => a.DisplayName).ThenBy(a => a.Id)
            .Select(a => new { a.Id, a.DisplayName, a.Role, a.Presence, a.PresenceChangedAt, a.Capacity, a.PublicCapacity })
            .ToListAsync(ct);
        var ids = advisors.Select(a => a.Id).ToList();
        var loads = await AdvisorLoad.OfAsync(db, ids, ct);
        var open = await db.Conversations
            .Where(c => c.AccountId == accountId && c.AssigneeId != null && ids.Contains(c.AssigneeId.Value) && c.Status != ConversationStatus.Resolved)
            .GroupBy(c => c.AssigneeId!.Value)
            .Select(g => new { AdvisorId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.AdvisorId, g => g.Count, ct);
        return advisors.Select(a => new AdvisorFigures(a.Id, a.DisplayName, a.Role, a.Presence, Seconds(now - a.PresenceChangedAt),
            loads.GetValueOrDefault(a.Id), a.Capacity, a.PublicCapacity, open.GetValueOrDefault(a.Id))).ToList();
    }

    private static int Seconds(TimeSpan span) => (int)Math.Max(0, Math.Floor(span.TotalSeconds));
}
