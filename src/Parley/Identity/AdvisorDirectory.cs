using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Routing;

namespace Parley.Identity;

/// <summary>An advisor as an admin sees them: only what lies in the admin's own accounts (accounts, teams, queues, skills).</summary>
public sealed record AdvisorView(
    long Id,
    string Email,
    string DisplayName,
    AdvisorRole Role,
    bool Disabled,
    Presence Presence,
    int Capacity,
    int PublicCapacity,
    IReadOnlyList<long> AccountIds,
    IReadOnlyList<long> TeamIds,
    IReadOnlyList<long> QueueIds,
    IReadOnlyList<RoutingAdminApi.SkillLevel> Skills);

/// <summary>Reads the advisors of an admin's accounts, each with what the admin manages of them.</summary>
public static class AdvisorDirectory
{
    /// <summary>The advisors who work in at least one of the admin's accounts (only <paramref name="only"/> when given), by name.</summary>
    public static async Task<List<AdvisorView>> ReadAsync(ParleyDb db, AdvisorSession admin, long? only, CancellationToken ct)
    {
        var scope = admin.AccountIds.ToList();
        var memberships = await db.AdvisorAccounts.AsNoTracking()
            .Where(m => scope.Contains(m.AccountId) && (only == null || m.AdvisorId == only))
            .ToListAsync(ct);
        var ids = memberships.Select(m => m.AdvisorId).Distinct().ToList();
        var advisors = await db.Advisors.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        var teams = (await db.AdvisorTeams.AsNoTracking().Where(m => ids.Contains(m.AdvisorId))
                .Join(db.Teams.Where(t => scope.Contains(t.AccountId)), m => m.TeamId, t => t.Id, (m, t) => new { m.AdvisorId, t.Id }).ToListAsync(ct))
            .ToLookup(m => m.AdvisorId, m => m.Id);
        var queues = (await db.AdvisorQueues.AsNoTracking().Where(m => ids.Contains(m.AdvisorId))
                .Join(db.Queues.Where(q => scope.Contains(q.AccountId)), m => m.QueueId, q => q.Id, (m, q) => new { m.AdvisorId, q.Id }).ToListAsync(ct))
            .ToLookup(m => m.AdvisorId, m => m.Id);
        var skills = (await db.AdvisorSkills.AsNoTracking().Where(s => ids.Contains(s.AdvisorId))
                .Join(db.Skills.Where(k => scope.Contains(k.AccountId)), s => s.SkillId, k => k.Id, (s, _) => s).ToListAsync(ct))
            .ToLookup(s => s.AdvisorId);
        var accounts = memberships.ToLookup(m => m.AdvisorId, m => m.AccountId);
        return advisors
            .OrderBy(a => a.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(a => a.Id)
            .Select(a => new AdvisorView(
                a.Id, a.Email, a.DisplayName, a.Role, a.DisabledAt is not null, a.Presence, a.Capacity, a.PublicCapacity,
                accounts[a.Id].Order().ToList(), teams[a.Id].Order().ToList(), queues[a.Id].Order().ToList(),
                skills[a.Id].OrderBy(s => s.SkillId).Select(s => new RoutingAdminApi.SkillLevel(s.SkillId, s.Level)).ToList()))
            .ToList();
    }
}
