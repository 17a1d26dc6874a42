using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Identity;

/// <summary>
/// Whether a session cookie still stands: it carries the advisor's security stamp from sign-in, and the advisor's
/// current stamp must still be the same. Each node keeps the stamps it read for <see cref="AdvisorSessionOptions.StampCacheSeconds"/>
/// (every asset of a console page would otherwise cost a query); a stamp changed by this node is forgotten at once.
/// </summary>
public sealed class SessionStamps(IDbContextFactory<ParleyDb> dbs, TimeProvider time, IOptions<AdvisorSessionOptions> options)
{
    /// <summary>Enough for every advisor of a large contact centre; beyond it the cache starts over rather than grow.</summary>
    internal const int MaxCachedAdvisors = 10_000;

    private readonly ConcurrentDictionary<long, (string Stamp, DateTimeOffset ReadAt)> _read = new();
    private readonly Lock _forgetting = new();
    private long _forgotten;

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The claims every session cookie carries.</summary>
    public static ClaimsIdentity Identity(Advisor advisor, string authenticationType) => new(
        [
            new Claim(IdentityExtensions.AdvisorIdClaim, advisor.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(IdentityExtensions.SecurityStampClaim, advisor.SecurityStamp),
            new Claim(ClaimTypes.Name, advisor.DisplayName),
        ],
        authenticationType);

    /// <summary>True when the principal is an advisor's session whose stamp is still the advisor's current one.</summary>
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var stamp = principal.FindFirst(IdentityExtensions.SecurityStampClaim)?.Value;
        if (string.IsNullOrEmpty(stamp)
            || principal.AdvisorId() is not { } advisorId)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (_read.TryGetValue(advisorId, out var known)
            && now - known.ReadAt < TimeSpan.FromSeconds(options.Value.StampCacheSeconds)
            && string.Equals(known.Stamp, stamp, StringComparison.Ordinal))
        {
            return true;
        }

        // Not known, too old, or different: a different one may be this node's stale copy after a sign-in elsewhere,
        // so the database decides.
        var forgotten = Volatile.Read(ref _forgotten);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var current = await db.Advisors.AsNoTracking().Where(a => a.Id == advisorId).Select(a => a.SecurityStamp).FirstOrDefaultAsync(ct);
        if (current is null)
        {
            Forget(advisorId);
            return false;
        }

        lock (_forgetting)
        {
            // A stamp changed on this node while we read may have been read before its change: not kept.
            if (_forgotten == forgotten)
            {
                if (_read.Count >= MaxCachedAdvisors)
                {
                    _read.Clear();
                }

                _read[advisorId] = (current, now);
            }
        }

        return string.Equals(current, stamp, StringComparison.Ordinal);
    }

    /// <summary>Called by whoever changed the advisor's stamp on this node, so that the change holds here at once.</summary>
    public void Forget(long advisorId)
    {
        lock (_forgetting)
        {
            _forgotten++;
            _read.TryRemove(advisorId, out _);
        }
    }
}
