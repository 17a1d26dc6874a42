using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Channels;
using Parley.Channels.Webhooks;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Webhooks;

/// <summary>
/// While webhooks arrive faster than they are processed and the CPU is saturated, answering comes first: processing runs
/// one webhook at a time and pauses after each, so that it keeps its configured share of the time; otherwise it runs at
/// full speed.
/// </summary>
public sealed class WebhookBurstTests
{
    [Fact]
    public void A_burst_is_webhooks_arriving_faster_than_they_are_processed_while_the_cpu_is_saturated()
    {
        var busy = 0.95;
        var windows = new Windows();
        var burst = new WebhookBurst(Options(0.2), windows, () => busy);

        // More processed than arrived: keeping up, however busy the CPU.
        burst.Arrived(3);
        for (var i = 0; i < 5; i++)
        {
            burst.Processed();
        }

        windows.Next();
        Assert.False(burst.IsOn);

        // More arrived than processed, on a saturated CPU.
        burst.Arrived(10);
        burst.Processed();
        windows.Next();
        Assert.True(burst.IsOn);

        // Judged once per window: what happens within one does not change it before the window ends.
        busy = 0.1;
        Assert.True(burst.IsOn);

        // Falling behind on an idle CPU is not a burst (a slow database, say): slowing processing down would not help.
        burst.Arrived(10);
        windows.Next();
        Assert.False(burst.IsOn);
    }

    [Fact]
    public void A_share_of_one_turns_bursts_off_and_a_share_sets_the_pause_after_each_webhook()
    {
        var windows = new Windows();
        var off = new WebhookBurst(Options(1), windows, () => 1);
        off.Arrived(100);
        windows.Next();
        Assert.False(off.IsOn);

        var fifth = new WebhookBurst(Options(0.2), TimeProvider.System, () => 1);
        Assert.Equal(TimeSpan.FromMilliseconds(40), fifth.PauseAfter(TimeSpan.FromMilliseconds(10)));
        var half = new WebhookBurst(Options(0.5), TimeProvider.System, () => 1);
        Assert.Equal(TimeSpan.FromMilliseconds(10), half.PauseAfter(TimeSpan.FromMilliseconds(10)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task In_a_burst_processing_runs_one_webhook_at_a_time_with_a_pause_after_each(bool inBurst)
    {
        var consumer = new TimedConsumer(TimeSpan.FromMilliseconds(60), together: 3);
        var windows = new Windows();
        var burst = new WebhookBurst(Options(0.5), windows, () => inBurst ? 1 : 0);
        using var work = new WebhookWork([consumer], Options(0.5), burst, TimeProvider.System, NullLogger<WebhookWork>.Instance);
        burst.Arrived(100);
        windows.Next();
        Assert.Equal(inBurst, burst.IsOn);

        // Three customers: nothing orders them, so outside a burst they are processed at once.
        work.Enqueue([Webhook(1, "page/a"), Webhook(2, "page/b"), Webhook(3, "page/c")]);
        await consumer.AllStarted(3).WaitAsync(TimeSpan.FromSeconds(20));

        var starts = consumer.Starts.Order().ToList();
        if (inBurst)
        {
            Assert.Equal(1, consumer.MostAtOnce);

            // Each one waits for the one before it (60 ms) and its pause (as long again, at a share of one half).
            Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(110),
                $"started {(pair.Second - pair.First).TotalMilliseconds} ms after the one before"));
        }
        else
        {
            Assert.Equal(3, consumer.MostAtOnce);
        }
    }

    [Fact]
    public void The_machines_cpu_is_read_from_the_first_line_of_proc_stat()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already in user.
        Assert.Equal((70L, 100L), CpuMeter.ParseMachine("cpu  40 5 20 25 5 3 2 0 9 9"));
        Assert.Null(CpuMeter.ParseMachine("cpu0 1 2 3 4 5 6 7 8"));
        Assert.Null(CpuMeter.ParseMachine("cpu 1 2 x 4 5"));
        Assert.Null(CpuMeter.ParseMachine(null));
        Assert.InRange(new CpuMeter().BusySinceLast(), 0, 1);
    }

    /// <summary>The burst's windows, moved on by the test alone (a loaded machine cannot end one early).</summary>
    private sealed class Windows : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Next() => Interlocked.Add(ref _ticks, WebhookBurst.Window.Ticks);
    }

    private static IOptions<WebhookOptions> Options(double share) => Microsoft.Extensions.Options.Options.Create(new WebhookOptions { BurstShare = share });

    private static JournaledWebhook Webhook(long id, string key) => new(id, ChannelKind.Messenger, ["page"], [key], []);

    /// <summary>
    /// Takes a set time per webhook, or less once <paramref name="together"/> have started (so that a slow machine cannot
    /// make them miss each other), and records when each started and how many ran at once.
    /// </summary>
    private sealed class TimedConsumer(TimeSpan takes, int together) : IWebhookConsumer
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<TimeSpan> _starts = [];
        private readonly List<(int Count, TaskCompletionSource Done)> _waiting = [];
        private int _running;

        public int MostAtOnce { get; private set; }

        public IReadOnlyList<TimeSpan> Starts
        {
            get
            {
                lock (_lock)
                {
                    return [.. _starts];
                }
            }
        }

        public bool Consumes(ChannelKind kind) => true;

        public Task AllStarted(int count)
        {
            lock (_lock)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((count, done));
                Release();
                return done.Task;
            }
        }

        public async Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct)
        {
            lock (_lock)
            {
                _starts.Add(_clock.Elapsed);
                MostAtOnce = Math.Max(MostAtOnce, ++_running);
                Release();
            }

            await Task.WhenAny(AllStarted(together), Task.Delay(takes, ct));
            lock (_lock)
            {
                _running--;
            }
        }

        private void Release()
        {
            foreach (var (count, done) in _waiting.Where(w => _starts.Count >= w.Count))
            {
                done.TrySetResult();
            }
        }
    }
}
