using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Identity;

/// <summary>
/// The signed-in advisor of this circuit, loaded from the database on first use so that role and account
/// changes apply at the next sign-in or page load.
/// </summary>
public sealed class CurrentAdvisor(AuthenticationStateProvider authentication, IDbContextFactory<ParleyDb> dbs)
{
    private AdvisorSession? _session;

    public async Task<AdvisorSession?> GetAsync(CancellationToken ct = default)
    {
        if (_session is not null)
        {
            return _session;
        }

        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.AdvisorId() is not { } id)
        {
            return null;
        }

        _session = await LoadAsync(dbs, id, ct);
        return _session;
    }

    /// <summary>The advisor's session as stored now: name, role, accounts and teams; null when the advisor no longer exists.</summary>
    public static async Task<AdvisorSession?> LoadAsync(IDbContextFactory<ParleyDb> dbs, long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var advisor = await db.Advisors.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (advisor is null)
        {
            return null;
        }

        var accounts = await db.AdvisorAccounts.Where(a => a.AdvisorId == id).Select(a => a.AccountId).ToListAsync(ct);
        // Only teams of the advisor's accounts count: a team left behind in an account they lost gives nothing.
        var teams = await db.AdvisorTeams.Where(m => m.AdvisorId == id)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (_, t) => t)
            .Where(t => accounts.Contains(t.AccountId))
            .Select(t => t.Id).ToListAsync(ct);
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, accounts.ToHashSet()) { TeamIds = teams.ToHashSet() };
    }
}
