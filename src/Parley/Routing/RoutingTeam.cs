using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>
/// The one-row counter that every change to what <see cref="RoutingTeam"/> holds moves, in the changing transaction
/// (triggers of migration 0025 on advisors, their queues and skills, queues, queue skills, relaxations, channel weights).
/// </summary>
public sealed class RoutingVersion
{
    public int Id { get; set; }
    public long Version { get; set; }

    public static Task<long> ReadAsync(ParleyDb db, CancellationToken cancellationToken) =>
        db.RoutingVersions.AsNoTracking().Select(v => v.Version).SingleAsync(cancellationToken);
}

/// <param name="QueueIds">The queues they take conversations from.</param>
/// <param name="Skills">Skill id to level (1–5).</param>
/// <param name="DisplayName">For the "joined" message a routing batch writes (the name moves <see cref="RoutingVersion"/> too).</param>
public sealed record TeamAdvisor(long Id, string DisplayName, int Capacity, int PublicCapacity, IReadOnlySet<long> QueueIds, IReadOnlyDictionary<long, int> Skills);

/// <summary>
/// What routing plans on that rarely changes, read at one <see cref="RoutingVersion"/>: the online advisors (capacities,
/// queues, skills), each queue's required skills, sticky window and relaxation steps, and the channel weights. Loads and
/// waiting conversations are not here: they change with every assignment.
/// </summary>
public sealed record RoutingTeam(
    long Version,
    IReadOnlyList<TeamAdvisor> Advisors,
    ILookup<long, SkillNeed> QueueNeeds,
    IReadOnlyDictionary<long, TimeSpan> StickyWindows,
    IReadOnlyDictionary<long, IReadOnlyList<RelaxationStep>> Relaxations,
    IReadOnlyDictionary<(long AccountId, ChannelKind Channel), int> Weights)
{
    /// <summary>
    /// Reads the team; <paramref name="version"/> must have been read before (so a change committed meanwhile leaves the
    /// team at least as new as its version says, and the next pass reads it again).
    /// </summary>
    public static async Task<RoutingTeam> ReadAsync(ParleyDb db, long version, CancellationToken ct)
    {
        var online = await db.Advisors.AsNoTracking()
            .Where(a => a.Presence == Presence.Online)
            .Select(a => new { a.Id, a.DisplayName, a.Capacity, a.PublicCapacity })
            .ToListAsync(ct);
        var ids = online.Select(a => a.Id).ToList();
        var queues = (await db.AdvisorQueues.AsNoTracking().Where(q => EF.Parameter(ids).Contains(q.AdvisorId)).Select(q => new { q.AdvisorId, q.QueueId }).ToListAsync(ct))
            .ToLookup(q => q.AdvisorId, q => q.QueueId);
        var skills = (await db.AdvisorSkills.AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.AdvisorId)).ToListAsync(ct)).ToLookup(s => s.AdvisorId);
        var advisors = online
            .Select(a => new TeamAdvisor(a.Id, a.DisplayName, a.Capacity, a.PublicCapacity, queues[a.Id].ToHashSet(), skills[a.Id].ToDictionary(s => s.SkillId, s => s.Level)))
            .Where(a => a.QueueIds.Count > 0)
            .ToList();
        var queueIds = advisors.SelectMany(a => a.QueueIds).Distinct().ToList();
        var needs = (await db.QueueSkills.AsNoTracking().Where(s => queueIds.Contains(s.QueueId)).ToListAsync(ct))
            .ToLookup(s => s.QueueId, s => new SkillNeed(s.SkillId, s.MinLevel));
        var sticky = await db.Queues.AsNoTracking().Where(q => queueIds.Contains(q.Id) && q.StickySeconds > 0)
            .ToDictionaryAsync(q => q.Id, q => TimeSpan.FromSeconds(q.StickySeconds), ct);
        var relaxations = (await db.QueueRelaxations.AsNoTracking().Where(r => queueIds.Contains(r.QueueId)).ToListAsync(ct))
            .GroupBy(r => r.QueueId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RelaxationStep>)g.OrderBy(r => r.AfterSeconds).ThenBy(r => r.Id)
                .Select(r => new RelaxationStep(TimeSpan.FromSeconds(r.AfterSeconds), r.SkillId, r.LowerTo)).ToList());
        var weights = await AdvisorLoad.WeightsAsync(db, ct);
        return new RoutingTeam(version, advisors, needs, sticky, relaxations, weights);
    }
}
