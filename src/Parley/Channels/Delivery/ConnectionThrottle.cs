using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Parley.Channels.Delivery;

/// <summary>
/// Holds each connection to its send rate (a token bucket per inbox, refilled every few tens of milliseconds) and pauses
/// a connection that the platform throttled until the time it gave. Per node: several nodes share a connection's rate
/// only if each is configured with its share.
/// </summary>
public sealed class ConnectionThrottle(TimeProvider clock) : IDisposable
{
    private readonly ConcurrentDictionary<long, (double Rate, TokenBucketRateLimiter Limiter)> _buckets = new();
    private readonly ConcurrentDictionary<long, DateTime> _pausedUntil = new();

    public async ValueTask WaitAsync(long inboxId, double ratePerSecond, CancellationToken cancellationToken)
    {
        while (_pausedUntil.TryGetValue(inboxId, out var until) && until > clock.GetUtcNow().UtcDateTime)
        {
            await Task.Delay(until - clock.GetUtcNow().UtcDateTime, clock, cancellationToken);
        }

        var limiter = Bucket(inboxId, ratePerSecond);
        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException($"The send queue of inbox {inboxId} is full.");
        }
    }

    /// <summary>The platform asked this connection to wait: nothing more is sent on it before <paramref name="until"/>.</summary>
    public void Pause(long inboxId, DateTime until) =>
        _pausedUntil.AddOrUpdate(inboxId, until, (_, current) => current > until ? current : until);

    public void Dispose()
    {
        foreach (var (_, limiter) in _buckets.Values)
        {
            limiter.Dispose();
        }
    }

    private TokenBucketRateLimiter Bucket(long inboxId, double ratePerSecond)
    {
        if (_buckets.TryGetValue(inboxId, out var known) && known.Rate.Equals(ratePerSecond))
        {
            return known.Limiter;
        }

        // Refilled in small steps (about 50 ms' worth, at least one token), so the rate holds over any second.
        var perPeriod = Math.Max(1, (int)Math.Round(ratePerSecond * 0.05));
        var created = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(perPeriod / ratePerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        var entry = _buckets.AddOrUpdate(inboxId, (ratePerSecond, created), (_, _) => (ratePerSecond, created));
        return entry.Limiter;
    }
}
