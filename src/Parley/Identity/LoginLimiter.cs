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
/// Password checks themselves run one at a time on a node, with a short queue (<see cref="RateLimitOptions.PasswordChecks"/>):
/// a hash costs tens of milliseconds of a core, and a flood of sign-ins from many addresses must neither fill the thread
/// pool with hashing nor take both cores from the customers' messages; past the queue a sign-in is refused at once (429).
/// </summary>
public sealed class LoginLimiter : IDisposable
{
    public const int Buckets = 1 << 16;

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ConcurrencyLimiter _checks;

    public LoginLimiter(IOptions<RateLimitOptions> options)
    {
        var window = options.Value.LoginPerEmail.ToOptions();
        _limiter = PartitionedRateLimiter.Create<string, int>(email => RateLimitPartition.GetFixedWindowLimiter(Bucket(email), _ => window));
        var checks = options.Value.PasswordChecks;
        _checks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, checks.AtOnce),
            QueueLimit = Math.Max(0, checks.Queue),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>A lease for one attempt with this (normalised) email; not acquired means answer 429 with its Retry-After.</summary>
    public RateLimitLease Acquire(string email) => _limiter.AttemptAcquire(email);

    /// <summary>A turn to check a password on this node; not acquired (the queue is full) means answer 429 at once.</summary>
    public ValueTask<RateLimitLease> AcquireCheckAsync(CancellationToken ct) => _checks.AcquireAsync(1, ct);

    public void Dispose()
    {
        _limiter.Dispose();
        _checks.Dispose();
    }

    private static int Bucket(string email) => (int)((uint)email.GetHashCode(StringComparison.Ordinal) % Buckets);
}
