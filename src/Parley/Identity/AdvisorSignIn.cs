using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Identity;

/// <summary>
/// Checks an email and password: the advisor when both are right and the account is not locked, otherwise null, with the
/// same work and the same answer whether the email exists, the password is wrong, or the account is locked or disabled.
/// </summary>
public sealed class AdvisorSignIn(
    IDbContextFactory<ParleyDb> dbs,
    IPasswordHasher<Advisor> hasher,
    TimeProvider time,
    IOptions<AdvisorLockoutOptions> options)
{
    /// <summary>The longest address RFC 5321 allows; a longer one is nobody's.</summary>
    public const int MaxEmailLength = 254;

    private static readonly Advisor s_nobody = new() { Email = string.Empty, DisplayName = string.Empty, PasswordHash = string.Empty };

    // A hash of a password nobody knows, made by the same hasher with the same options as the advisors' own (made at
    // once, so that not even the first unknown email pays for it).
    private readonly string _nobodysHash = hasher.HashPassword(s_nobody, SessionStamps.NewStamp());

    /// <summary>Trimmed and lower case; anything longer than an email can be is cut just past the limit (still nobody's).</summary>
    public static string NormaliseEmail(string? typed)
    {
        var email = (typed ?? string.Empty).AsSpan().Trim();
        return email[..Math.Min(email.Length, MaxEmailLength + 1)].ToString().ToLowerInvariant();
    }

    public async Task<Advisor?> CheckAsync(string email, string password, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var advisor = email.Length <= MaxEmailLength
            ? await db.Advisors.AsNoTracking().FirstOrDefaultAsync(a => a.Email == email, ct)
            : null;

        // An unknown email costs the same hash verification as a known one, so the answer's timing does not tell
        // which emails exist (the hash is most of a sign-in's time).
        if (advisor is null)
        {
            _ = hasher.VerifyHashedPassword(s_nobody, _nobodysHash, password);
        }
        else if (hasher.VerifyHashedPassword(advisor, advisor.PasswordHash, password) != PasswordVerificationResult.Failed
            && !(advisor.LockedUntil > now)
            && advisor.DisabledAt is null)
        {
            if (advisor.FailedLoginCount != 0 || advisor.LockedUntil is not null)
            {
                await db.Advisors.Where(a => a.Id == advisor.Id).ExecuteUpdateAsync(
                    s => s.SetProperty(a => a.FailedLoginCount, 0).SetProperty(a => a.LockedUntil, (DateTime?)null), ct);
            }

            return advisor;
        }

        await CountFailureAsync(db, email, now, ct);
        return null;
    }

    /// <summary>
    /// One more failure for the email's advisor, unless locked (a lock is not extended by the attempts it refuses): the
    /// count and the lock change in one statement, so concurrent failures on several nodes are all counted. An unknown
    /// email runs the same statement, which changes nothing.
    /// </summary>
    private Task<int> CountFailureAsync(ParleyDb db, string email, DateTime now, CancellationToken ct)
    {
        var max = options.Value.MaxFailedAttempts;
        DateTime? until = now.AddMinutes(options.Value.LockoutMinutes);
        return db.Advisors
            .Where(a => a.Email == email && (a.LockedUntil == null || a.LockedUntil <= now))
            .ExecuteUpdateAsync(
                s => s
                    .SetProperty(a => a.LockedUntil, a => a.FailedLoginCount + 1 >= max ? until : a.LockedUntil)
                    .SetProperty(a => a.FailedLoginCount, a => a.FailedLoginCount + 1 >= max ? 0 : a.FailedLoginCount + 1),
                ct);
    }
}
