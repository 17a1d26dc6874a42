using System.Diagnostics;

namespace Parley.Bench;

/// <summary>Everything one replay measured, for the report.</summary>
internal sealed record AttackResult(
    BenchOptions Options,
    int ServerPid,
    TimeSpan AttackElapsed,
    bool StoppedAtCap,
    (long Rss, long Hwm) MemoryBefore,
    (long Rss, long Hwm) MemoryAfter,
    long PeakSampledBytes,
    DatabaseFigures DatabaseBefore,
    DatabaseFigures DatabaseAfter,
    IReadOnlyDictionary<AttackKind, StatusTally> Tallies,
    CustomerPhase Alone,
    CustomerPhase During,
    (double? Server, double Generator, double Others) Cpu)
{
    public long PeakBytes => Math.Max(Math.Max(MemoryAfter.Hwm, PeakSampledBytes), MemoryBefore.Hwm);

    public long DatabaseGrowth => DatabaseAfter.Bytes - DatabaseBefore.Bytes;
}

/// <summary>
/// <c>--attack</c>: replays the hardening issue's findings 1 and 2 against Parley started with its default limits, while a
/// legitimate customer writes as usual, and checks the issue's "done when": the server's memory and the database stay
/// bounded, and the customer's messages are all accepted at about their usual latency.
/// </summary>
/// <remarks>
/// Order: start Parley; the customer alone for <see cref="AloneDuration"/> (its same-run baseline); memory and database
/// measured; the attack and the customer together for <c>--duration</c> (30 s); <see cref="Quiet"/> for the server to
/// finish what it had in hand; memory and database measured again. Only loopback addresses are used, at both ends.
/// </remarks>
internal static class AttackReplay
{
    public static readonly TimeSpan AloneDuration = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        BenchLog.Write($"Parley.Bench --attack: {Environment.ProcessorCount} cores; {options.DurationSeconds} s of attack by {AttackLoad.Workers} workers ({string.Join(", ", options.AttackKinds)}), Parley's default limits");
        using var probe = LoopbackClients.Create(LoopbackClients.Source(0));
        await using var parley = await ParleyHost.StartAsync(options.ParleyDll, probe, options.Postgres, liftWidgetLimits: false);
        BenchLog.Write($"Parley started on {options.Database} (pid {parley.ProcessId}) at {parley.BaseAddress}; log in {parley.LogFile}");
        await using var memory = new MemorySampler(parley.ProcessId);
        using var customer = await LegitimateCustomer.StartAsync(parley.BaseAddress);

        var alone = await customer.RunAsync("alone", AloneDuration, CancellationToken.None);
        BenchLog.Write($"Customer alone: {alone.Accepted}/{alone.Sent} accepted, p50 {alone.Latencies.Percentile(50):F1} ms, p99 {alone.Latencies.Percentile(99):F1} ms");
        var memoryBefore = memory.Read();
        var databaseBefore = await DatabaseProbe.MeasureAsync(parley);
        BenchLog.Write($"Before the attack: RSS {Mb(memoryBefore.Rss)} MB (high-water {Mb(memoryBefore.Hwm)} MB), database {databaseBefore.Bytes:N0} bytes, {databaseBefore.Contacts} contacts");

        var tallies = AttackLoad.NewTallies(options.AttackKinds);
        var cpu = new CpuProbe(() => parley.CpuTime);
        cpu.Start();
        var clock = Stopwatch.StartNew();
        var attack = AttackLoad.RunAsync(parley.BaseAddress, tallies, options.Duration, memory.OverCap);
        var during = customer.RunAsync("during the attack", options.Duration, memory.OverCap);
        while (await Task.WhenAny(attack, Task.Delay(ProgressEvery)) != attack)
        {
            var answered = tallies.Values.Sum(t => t.Answered);
            BenchLog.Write($"  {clock.Elapsed.TotalSeconds:F0} s: server RSS {Mb(memory.Read().Rss)} MB; {answered:N0} attack requests answered");
        }

        await attack;
        var elapsed = clock.Elapsed;
        var duringPhase = await during;
        var cpuUse = cpu.Stop();
        var stoppedAtCap = memory.OverCap.IsCancellationRequested;
        BenchLog.Write(stoppedAtCap
            ? $"Attack stopped after {elapsed.TotalSeconds:F1} s: the server passed the bench's cap of {Mb(MemorySampler.CapBytes)} MB"
            : $"Attack over after {elapsed.TotalSeconds:F1} s; {Quiet.TotalSeconds:F0} s quiet before measuring again");

        await Task.Delay(Quiet);
        var memoryAfter = memory.Read();
        var databaseAfter = await DatabaseProbe.MeasureAsync(parley);
        var result = new AttackResult(options, parley.ProcessId, elapsed, stoppedAtCap, memoryBefore, memoryAfter, memory.PeakSampledBytes,
            databaseBefore, databaseAfter, tallies, alone, duringPhase, cpuUse);

        System.Console.WriteLine();
        System.Console.WriteLine(AttackReport.Markdown(result, out var passed));
        await parley.DeleteDataAsync();
        return passed ? 0 : 1;
    }

    public static long Mb(long bytes) => bytes / (1024 * 1024);
}
