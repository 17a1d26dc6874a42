using System.Diagnostics;

namespace Parley.Bench;

/// <summary>
/// CPU used over a measured window by the server, by the generator, and by everything else on the machine
/// (from /proc/stat, so a noisy neighbour shows), in cores (1.0 = one core busy).
/// </summary>
internal sealed class CpuProbe(Func<TimeSpan>? serverCpu)
{
    private readonly Stopwatch _wall = new();
    private TimeSpan _server;
    private TimeSpan _self;
    private double _machine;

    public void Start()
    {
        _server = serverCpu?.Invoke() ?? TimeSpan.Zero;
        _self = SelfCpu();
        _machine = MachineBusySeconds();
        _wall.Restart();
    }

    public (double? Server, double Generator, double Others) Stop()
    {
        var wall = _wall.Elapsed.TotalSeconds;
        var self = (SelfCpu() - _self).TotalSeconds / wall;
        double? server = serverCpu is null ? null : (serverCpu() - _server).TotalSeconds / wall;
        var machine = (MachineBusySeconds() - _machine) / wall;
        return (server, self, Math.Max(0, machine - self - (server ?? 0)));
    }

    /// <summary>Busy CPU seconds of the whole machine since boot (Linux); 0 elsewhere.</summary>
    internal static double MachineBusySeconds()
    {
        const double TicksPerSecond = 100; // USER_HZ on Linux
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = fields.Skip(1).Take(8).Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + values[4]; // idle + iowait
        return (values.Sum() - idle) / TicksPerSecond;
    }

    internal static TimeSpan SelfCpu()
    {
        using var me = Process.GetCurrentProcess();
        return me.TotalProcessorTime;
    }
}

/// <summary>Latencies in Stopwatch ticks, summarised by nearest rank.</summary>
internal sealed class Latencies
{
    private readonly List<long> _ticks = [];

    public int Count
    {
        get
        {
            lock (_ticks)
            {
                return _ticks.Count;
            }
        }
    }

    public void Add(long ticks)
    {
        lock (_ticks)
        {
            _ticks.Add(ticks);
        }
    }

    public void AddRange(Latencies other)
    {
        lock (other._ticks)
        {
            lock (_ticks)
            {
                _ticks.AddRange(other._ticks);
            }
        }
    }

    /// <summary>The p-th percentile in milliseconds (p in 0..100), or NaN without samples.</summary>
    public double Percentile(double p)
    {
        lock (_ticks)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            _ticks.Sort();
            var rank = (int)Math.Ceiling(p / 100 * _ticks.Count) - 1;
            return _ticks[Math.Clamp(rank, 0, _ticks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
        }
    }
}

/// <summary>What one scenario measured, for the report.</summary>
internal sealed record Outcome(
    string Scenario,
    string Load,
    double Rate,
    string RateUnit,
    double P50Ms,
    double P99Ms,
    double? ServerCores,
    double GeneratorCores,
    double OtherCores,
    string Notes);
