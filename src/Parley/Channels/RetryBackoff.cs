namespace Parley.Channels;

/// <summary>Delays between attempts of work that failed for now (a platform call, a webhook's processing).</summary>
public static class RetryBackoff
{
    /// <summary>
    /// The delay before attempt <paramref name="attempts"/>+1: exponential from <paramref name="first"/>, capped at
    /// <paramref name="max"/>, with jitter between half and the whole of it (so that an outage does not end in every node
    /// retrying at the same instant); never shorter than the platform asked (<paramref name="retryAfter"/>).
    /// </summary>
    public static TimeSpan Delay(TimeSpan first, TimeSpan max, int attempts, TimeSpan? retryAfter, Random random)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(capped * (0.5 + (random.NextDouble() / 2)));
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
