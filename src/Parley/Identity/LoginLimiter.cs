using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Hosting;

namespace Parley.Identity;

/// <summary>
/// Sign-in attempts per email typed (<see cref="RateLimitOptions.LoginPerEmail"/>), known or not, on this node: guessing
/// one advisor's password from many addresses. Emails are the attacker's choice, so they are counted in a fixed number
/// of buckets (a per-process randomised hash of the email): memory stays bounded however many are tried, and two
/// emails share a bucket rarely (one in <see cref="Buckets"/>), which only makes their limit stricter.
/// The account lockout, in the database, is what holds across nodes.
/// </summary>
public sealed class LoginLimiter : IDisposable
{
    public const int Buckets = 1 << 16;

    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginLimiter(IOptions<RateLimitOptions> options)
    {
        var window = options.Value.LoginPerEmail.ToOptions();
        _limiter = PartitionedRateLimiter.Create<string, int>(email => RateLimitPartition.GetFixedWindowLimiter(Bucket(email), _ => window));
    }

    /// <summary>A lease for one attempt with this (normalised) email; not acquired means answer 429 with its Retry-After.</summary>
    public RateLimitLease Acquire(string email) => _limiter.AttemptAcquire(email);

    public void Dispose() => _limiter.Dispose();

    private static int Bucket(string email) => (int)((uint)email.GetHashCode(StringComparison.Ordinal) % Buckets);
}
