using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Parley.Data;

namespace Parley.Identity;

/// <summary>
/// The changes that end every session of an advisor: each gives the advisor a new security stamp in the same statement,
/// so every cookie issued before is refused (at once on this node, within the stamp cache window on the others).
/// </summary>
public sealed class AdvisorSecurity(IDbContextFactory<ParleyDb> dbs, SessionStamps stamps, IPasswordHasher<Advisor> hasher)
{
    /// <summary>Sign-out: a copy of the cookie taken before must not outlive it.</summary>
    public Task<bool> EndSessionsAsync(long advisorId, CancellationToken ct) =>
        UpdateAsync(advisorId, _ => { }, ct);

    /// <summary>A new password; the sessions signed in with the old one end.</summary>
    public async Task<bool> ChangePasswordAsync(long advisorId, string newPassword, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(newPassword);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var advisor = await db.Advisors.AsNoTracking().FirstOrDefaultAsync(a => a.Id == advisorId, ct);
        if (advisor is null)
        {
            return false;
        }

        var hash = hasher.HashPassword(advisor, newPassword);
        return await UpdateAsync(advisorId, s => s.SetProperty(a => a.PasswordHash, hash), ct);
    }

    /// <summary>A new role; the advisor signs in again to work with it.</summary>
    public Task<bool> ChangeRoleAsync(long advisorId, AdvisorRole role, CancellationToken ct) =>
        UpdateAsync(advisorId, s => s.SetProperty(a => a.Role, role), ct);

    private async Task<bool> UpdateAsync(
        long advisorId,
        Action<UpdateSettersBuilder<Advisor>> change,
        CancellationToken ct)
    {
        var stamp = SessionStamps.NewStamp();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var updated = await db.Advisors.Where(a => a.Id == advisorId)
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(a => a.SecurityStamp, stamp);
                    change(s);
                },
                ct);
        stamps.Forget(advisorId);
        return updated == 1;
    }
}
