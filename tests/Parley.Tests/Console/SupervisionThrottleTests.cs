using Parley.Console.Supervision;

namespace Parley.Tests.Console;

/// <summary>The supervision view's recompute throttle, on a clock whose time and timers the test moves by hand.</summary>
public sealed class SupervisionThrottleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_burst_of_requests_runs_once_at_once_and_once_at_the_end_of_the_interval()
    {
        var clock = new HandClock();
        var runs = 0;
        using var throttle = new RefreshThrottle(Second, clock, () => Task.FromResult(++runs));

        for (var i = 0; i < 50; i++)
        {
            throttle.Request();
        }

        // The first ran at once; the other 49 wait for one run, at the end of the second.
        Assert.Equal(1, runs);
        var timer = Assert.Single(clock.Timers);
        Assert.Equal(Second, timer.Due);

        clock.Advance(Second);
        timer.Fire();
        Assert.Equal(2, runs);

        // A request long after the last run runs at once, with no timer.
        clock.Advance(10 * Second);
        throttle.Request();
        Assert.Equal((3, 1), (runs, clock.Timers.Count));
    }

    [Fact]
    public void Nothing_runs_once_disposed()
    {
        var clock = new HandClock();
        var runs = 0;
        var throttle = new RefreshThrottle(Second, clock, () => Task.FromResult(++runs));
        throttle.Request();
        throttle.Request();
        throttle.Dispose();

        clock.Advance(Second);
        Assert.Single(clock.Timers).Fire();
        throttle.Request();

        Assert.Equal(1, runs);
    }

    /// <summary>Time moves when the test says; timers fire when the test fires them.</summary>
    private sealed class HandClock : TimeProvider
    {
        private long _ticks;

        public List<HandTimer> Timers { get; } = [];

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new HandTimer(() => callback(state), dueTime);
            Timers.Add(timer);
            return timer;
        }
    }

    private sealed class HandTimer(Action fire, TimeSpan due) : ITimer
    {
        public TimeSpan Due => due;

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
