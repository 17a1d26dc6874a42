namespace Parley.Channels.Webhooks;

/// <summary>
/// A signed webhook as it was received: the raw body (kept as signed), the platform accounts whose app signed it, and
/// the keys whose events must be processed in order (a customer of an account).
/// </summary>
public sealed record ReceivedWebhook(ChannelKind Kind, IReadOnlyList<string> Accounts, IReadOnlyList<string> OrderKeys, byte[] Body);

/// <summary>A journaled webhook, leased to this node for processing.</summary>
public sealed record JournaledWebhook(long Id, ChannelKind Kind, IReadOnlyList<string> Accounts, IReadOnlyList<string> OrderKeys, byte[] Body);

/// <summary>What became of a journaled webhook: its events stored (no error), or given up with the error.</summary>
public sealed record WebhookOutcome(long Id, string? Error);

/// <summary>Stores a channel's journaled webhooks' events (the second half of its webhook endpoint).</summary>
public interface IWebhookConsumer
{
    bool Consumes(ChannelKind kind);

    /// <summary>Stores the webhook's events durably; processing one twice stores each event once (platform ids).</summary>
    /// <exception cref="WebhookRejectedException">The webhook can never be processed: retrying is pointless.</exception>
    Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct);
}

/// <summary>A journaled webhook that can never be processed (its format was checked when it was received, so: a bug).</summary>
public sealed class WebhookRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How received webhooks are processed (section Channels:Webhooks).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Channels:Webhooks";

    /// <summary>
    /// Webhooks this node processes at once (events of one customer always go one after the other). Processing is
    /// CPU-bound, so more at once does not store faster; it only holds up the answers to the webhooks still coming
    /// (measured: 32 at once answered half as many webhooks per second as 4, and stored no more).
    /// </summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Journaled webhooks this node holds in memory at most; past it, new ones are stored for any node to take (a burst
    /// is absorbed by the database, not by one node's memory).
    /// </summary>
    public int MaxInFlight { get; set; } = 10_000;

    /// <summary>How long a lease keeps other nodes off a webhook; a crashed node's are taken over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a node looks for webhooks nobody is processing (others', retries) and renews its leases that are half spent.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Attempts before a webhook that keeps failing is given up (kept, with its error, for an operator). The node retries
    /// it with backoff, keeping its place before its customer's later events.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// The share of the time processing keeps while webhooks arrive faster than they are processed and this node's CPU is
    /// saturated (<see cref="WebhookBurst"/>): it then runs one webhook at a time, so that answering gets the CPU and the
    /// journal absorbs the burst. 1 keeps processing at full speed always.
    /// </summary>
    public double BurstShare { get; set; } = 0.1;

    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
}
