using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Parley.Bench;

/// <summary>What the baseline loops achieved: messages per second, and the gap between a loop's consecutive calls.</summary>
internal sealed record OutboundBaselineRun(double Rate, double GapMs, double GapP99Ms, double Cores, double OtherCores);

/// <summary>
/// The outbound benchmark's same-run baseline: one loop per conversation in the generator's process, each POSTing a Send
/// API call to the same stand-in (same latency, same body shape) and the next one as soon as it is answered. No database,
/// no rate limit, no Parley: what the machine, the HTTP stack and the stand-in's timer allow sequential senders.
/// </summary>
internal static class OutboundBaseline
{
    public static async Task<OutboundBaselineRun> RunAsync(SocialOptions options, GraphStandIn graph)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), UseCookies = false });
        graph.Latency = TimeSpan.FromMilliseconds(options.LatencyMs);
        await LoopAsync(options, graph, http, TimeSpan.FromSeconds(options.WarmupSeconds));
        graph.ClearSends();
        var started = Stopwatch.GetTimestamp();
        var duration = TimeSpan.FromSeconds(Math.Min(options.DurationSeconds, 10));
        var cpu = new CpuProbe(null);
        cpu.Start();
        await LoopAsync(options, graph, http, duration);
        var (_, cores, others) = cpu.Stop();
        var sends = graph.Sends().Where(s => s.RecipientId.StartsWith("baseline-", StringComparison.Ordinal)).ToList();
        graph.ClearSends();

        var gaps = new List<double>();
        foreach (var loop in sends.GroupBy(s => s.RecipientId))
        {
            var arrivals = loop.Select(s => s.ArrivedAt).ToList();
            gaps.AddRange(arrivals.Zip(arrivals.Skip(1)).Select(p => (p.Second - p.First) * 1000.0 / Stopwatch.Frequency));
        }

        gaps.Sort();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new OutboundBaselineRun(sends.Count / seconds, gaps.Count == 0 ? double.NaN : gaps.Average(),
            gaps.Count == 0 ? double.NaN : gaps[Math.Clamp((int)Math.Ceiling(0.99 * gaps.Count) - 1, 0, gaps.Count - 1)], cores, others);
    }

    private static Task LoopAsync(SocialOptions options, GraphStandIn graph, HttpClient http, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, options.Conversations).Select(async c =>
        {
            var page = string.Create(CultureInfo.InvariantCulture, $"baseline-page-{c % options.Connections}");
            var target = new Uri($"{graph.BaseUrl}/{page}/messages");
            for (var n = 0; clock.Elapsed < duration; n++)
            {
                var body = new
                {
                    recipient = new { id = string.Create(CultureInfo.InvariantCulture, $"baseline-{c}") },
                    messaging_type = "RESPONSE",
                    message = new { text = string.Create(CultureInfo.InvariantCulture, $"{n}: your parcel is on its way.") },
                };
                using var content = JsonContent.Create(body);
                using var response = await http.PostAsync(target, content);
                await response.Content.ReadAsStringAsync();
            }
        }));
    }
}
