using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Identity;

namespace Parley.BrowserTests;

/// <summary>An advisor's session as the server's services take it, for a test acting beside the browser.</summary>
internal static class AdvisorSessions
{
    public static async Task<AdvisorSession> OfAsync(ParleyServer server, string email)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        var advisor = await db.Advisors.AsNoTracking().FirstAsync(a => a.Email == email);
        var accounts = await db.AdvisorAccounts.Where(a => a.AdvisorId == advisor.Id).Select(a => a.AccountId).ToListAsync();
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, accounts.ToHashSet());
    }
}
