namespace Parley.Tests.Infrastructure;

/// <summary>A clock the test sets and advances; timers still run on real time.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>Wednesday 25 November 2026, 10:00 in Paris: the demo inbox is open.</summary>
    public static readonly DateTimeOffset WeekdayMorning = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Sunday 29 November 2026, 13:00 in Paris: the demo inbox is closed until Monday 08:00.</summary>
    public static readonly DateTimeOffset SundayAfternoon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private DateTimeOffset _now = now;

    public TestClock()
        : this(WeekdayMorning)
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public void Set(DateTimeOffset now)
    {
        lock (_lock)
        {
            _now = now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
        {
            _now += by;
        }
    }
}
