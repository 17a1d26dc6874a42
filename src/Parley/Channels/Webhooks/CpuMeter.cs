namespace Parley.Channels.Webhooks;

/// <summary>
/// How busy the CPU was between two readings: the larger of this process's share of its cores (which follow a container's
/// quota) and, on Linux, the whole machine's (<c>/proc/stat</c>), so that a database or another process on the same
/// machine counts too.
/// </summary>
public sealed class CpuMeter
{
    private const string MachineStat = "/proc/stat";
    private readonly Lock _lock = new();
    private readonly int _cores = Math.Max(1, Environment.ProcessorCount);
    private long _at = System.Diagnostics.Stopwatch.GetTimestamp();
    private TimeSpan _process = Environment.CpuUsage.TotalTime;
    private (long Busy, long Total)? _machine = ReadMachine();

    /// <returns>0 (idle) to 1 (every core busy all the time) since the last call.</returns>
    public double BusySinceLast()
    {
        lock (_lock)
        {
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_at);
            var process = Environment.CpuUsage.TotalTime;
            var machine = ReadMachine();
            var processShare = elapsed > TimeSpan.Zero ? (process - _process) / (elapsed * _cores) : 0;
            var machineShare = machine is var (busy, total) && _machine is var (busyBefore, totalBefore) && total > totalBefore
                ? (double)(busy - busyBefore) / (total - totalBefore)
                : 0;
            _at = System.Diagnostics.Stopwatch.GetTimestamp();
            _process = process;
            _machine = machine;
            return Math.Clamp(Math.Max(processShare, machineShare), 0, 1);
        }
    }

    /// <summary>The machine's busy and total CPU ticks (the first line of /proc/stat), or null where there is none.</summary>
    internal static (long Busy, long Total)? ReadMachine()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            using var reader = new StreamReader(MachineStat);
            return ParseMachine(reader.ReadLine());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"cpu user nice system idle iowait irq softirq steal …": idle and iowait are the time not busy.</summary>
    internal static (long Busy, long Total)? ParseMachine(string? line)
    {
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 6 || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = new long[Math.Min(fields.Length - 1, 8)];
        for (var i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], System.Globalization.CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        var total = ticks.Sum();
        return (total - ticks[3] - ticks[4], total);
    }
}
