using Microsoft.Extensions.Options;

namespace Parley.Channels.Webhooks;

/// <summary>
/// Tells when this node is in a burst: webhooks arrive faster than they are processed while its CPU is saturated. Then
/// answering comes first: the platform waits on each answer (and backs off, or disables the subscription, when they are
/// slow), while processing can work off the journal once the burst has passed. In a burst, processing runs one webhook at
/// a time and keeps <see cref="WebhookOptions.BurstShare"/> of the time (<see cref="WebhookWork"/>); outside one it runs
/// at full speed.
/// </summary>
/// <remarks>
/// Judged over windows of <see cref="Window"/>, when processing asks (no timer): the webhooks journaled and processed in
/// the window, and how busy the CPU was (<see cref="CpuMeter"/>).
/// </remarks>
public sealed class WebhookBurst
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    /// <summary>How busy the CPU must have been over a window (0 to 1) for the window to count as saturated.</summary>
    public const double Saturated = 0.85;

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly Func<double> _busy;
    private long _windowStart;
    private int _arrived;
    private int _processed;
    private bool _on;

    public WebhookBurst(IOptions<WebhookOptions> options, TimeProvider clock)
        : this(options, clock, new CpuMeter().BusySinceLast)
    {
    }

    /// <param name="busy">How busy the CPU was since the last call, 0 to 1 (tests give their own).</param>
    public WebhookBurst(IOptions<WebhookOptions> options, TimeProvider clock, Func<double> busy)
    {
        _clock = clock;
        _busy = busy;
        Share = options.Value.BurstShare;
        _windowStart = clock.GetTimestamp();
        busy();
    }

    /// <summary>The share of the time processing keeps in a burst; 1 turns bursts off.</summary>
    public double Share { get; }

    /// <summary>A webhook was journaled (answered).</summary>
    public void Arrived(int count)
    {
        lock (_lock)
        {
            _arrived += count;
        }
    }

    /// <summary>A webhook was processed.</summary>
    public void Processed()
    {
        lock (_lock)
        {
            _processed++;
        }
    }

    /// <summary>Whether the node is in a burst, as judged over the last full window.</summary>
    public bool IsOn
    {
        get
        {
            if (Share >= 1)
            {
                return false;
            }

            lock (_lock)
            {
                if (_clock.GetElapsedTime(_windowStart) >= Window)
                {
                    _on = _busy() >= Saturated && _arrived > _processed;
                    _windowStart = _clock.GetTimestamp();
                    _arrived = 0;
                    _processed = 0;
                }

                return _on;
            }
        }
    }

    /// <summary>How long processing pauses after a webhook that took <paramref name="took"/>, in a burst.</summary>
    public TimeSpan PauseAfter(TimeSpan took) => took * ((1 - Share) / Share);
}
