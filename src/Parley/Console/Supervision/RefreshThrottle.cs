namespace Parley.Console.Supervision;

/// <summary>
/// Runs a refresh at most once per interval however many times it is asked: the first request after a quiet interval
/// runs at once, later ones are folded into one run at the end of the interval. A burst of events (a hundred
/// conversations queued in a second) costs a supervisor's view one recomputation, not a hundred.
/// </summary>
public sealed class RefreshThrottle(TimeSpan interval, TimeProvider clock, Func<Task> refresh) : IDisposable
{
    private readonly Lock _lock = new();
    private long? _lastRun;
    private bool _pending;
    private ITimer? _timer;
    private bool _disposed;

    public void Request()
    {
        TimeSpan wait;
        lock (_lock)
        {
            if (_pending || _disposed)
            {
                return;
            }

            _pending = true;
            wait = _lastRun is { } last ? interval - clock.GetElapsedTime(last) : TimeSpan.Zero;
            if (wait > TimeSpan.Zero)
            {
                _timer?.Dispose();
                _timer = clock.CreateTimer(_ => _ = RunAsync(), null, wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _pending = false;
            _lastRun = clock.GetTimestamp();
        }

        await refresh();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
