using System.Diagnostics;

namespace Parley.Bench;

/// <summary>
/// N workers, each sending its next message as soon as the previous one was answered. Requests that
/// complete inside the measured window (after the warm-up) are counted; the rate is those that got a 2xx.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<Outcome> RunAsync(
        string scenario, IReadOnlyList<WidgetCustomer> customers, TimeSpan warmup, TimeSpan duration, CpuProbe cpu, string unit)
    {
        using var stop = new CancellationTokenSource();
        var measuring = 0;
        long ok = 0;
        long failed = 0;
        var latencies = new Latencies();
        var workers = customers.Select((customer, index) => Task.Run(async () =>
        {
            var local = new Latencies();
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                // Mostly typed text, every fourth message a quick-reply pick (the first one hands the conversation over).
                var pick = n % 4 == 0 ? WidgetCustomer.Topics[(index + n) % WidgetCustomer.Topics.Length] : default;
                var text = pick.Id is null ? $"Message {n} from customer {index}: where is my parcel?" : pick.Title;
                var started = Stopwatch.GetTimestamp();
                long? seq;
                try
                {
                    seq = await customer.SendAsync(text, pick.Id, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    seq = null;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    if (seq is null)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    else
                    {
                        Interlocked.Increment(ref ok);
                        local.Add(Stopwatch.GetTimestamp() - started);
                    }
                }
            }

            latencies.AddRange(local);
        })).ToList();

        await Task.Delay(warmup);
        cpu.Start();
        Volatile.Write(ref measuring, 1);
        var window = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, 0);
        var seconds = window.Elapsed.TotalSeconds;
        var (server, generator, others) = cpu.Stop();
        var counted = Interlocked.Read(ref ok);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var notes = failed == 0 ? string.Empty : $"{Interlocked.Read(ref failed)} non-2xx or failed";
        return new Outcome(scenario, $"closed loop, {customers.Count} concurrent", counted / seconds, unit,
            latencies.Percentile(50), latencies.Percentile(99), server, generator, others, notes);
    }
}
