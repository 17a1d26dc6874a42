namespace Parley.Channels.Delivery;

/// <summary>How outbound deliveries are sent (section Channels:Delivery).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Channels:Delivery";

    /// <summary>Conversations this node sends to at once (each one's messages go one after the other).</summary>
    public int MaxConversations { get; set; } = 256;

    /// <summary>
    /// Messages of one conversation leased at once. A conversation's run leases its next ones while the last of these is in
    /// flight, so this bounds what one lease holds (and reads), not how long a conversation is sent to.
    /// </summary>
    public int PerConversation { get; set; } = 20;

    /// <summary>
    /// The shortest time between two leases of this node (a wake-up that comes sooner waits for the rest of it): each lease
    /// reads the head of every conversation with pending deliveries, and under load the settled batches ring far more often
    /// than conversations get ready (the runs go on without a lease of the node's).
    /// </summary>
    public TimeSpan LeaseSpacing { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a lease keeps other nodes off; a crashed node's deliveries are taken over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts before a message that keeps failing is given up (failed, with the last error shown).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxBackoff"/>, with random jitter.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one call to a platform may take before it counts as failed (and is retried).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The delay before attempt <paramref name="attempts"/>+1 (see <see cref="RetryBackoff.Delay"/>).</summary>
    public TimeSpan Backoff(int attempts, TimeSpan? retryAfter, Random random) =>
        RetryBackoff.Delay(FirstBackoff, MaxBackoff, attempts, retryAfter, random);
}
