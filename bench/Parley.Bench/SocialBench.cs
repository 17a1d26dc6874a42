using System.Net;

namespace Parley.Bench;

/// <summary>
/// <c>--social</c>: the social channels' benchmarks (issue 9). Inbound webhooks against the same-run baseline, then the
/// outbound dispatcher against a slow Send API. The report goes to standard output; the exit code is 1 when a goal fails.
/// </summary>
internal static class SocialBench
{
    public static async Task<int> RunAsync(SocialOptions options)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = TimeSpan.FromSeconds(90),
        };
        BenchLog.Write($"Parley.Bench --social: {Environment.ProcessorCount} cores, {options.Database}");
        await using var graph = await GraphStandIn.StartAsync();
        var report = new List<string>
        {
            $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {DateTime.Now:yyyy-MM-dd HH:mm}.",
            "",
        };
        var met = true;
        if (options.Inbound)
        {
            var inbound = await SocialInbound.RunAsync(options, http, graph);
            report.AddRange(SocialInbound.Report(inbound, options));
            report.Add("");
            met &= inbound.All(r => r.Share >= 0.30 && r.Durable);
        }

        if (options.Outbound)
        {
            graph.ClearSends();
            var outbound = await SocialOutbound.RunAsync(options, graph);
            report.AddRange(outbound.Report(options));
            met &= outbound.WindowRate >= 2000 && outbound.Missing == 0 && outbound.ConversationsOutOfOrder == 0 && outbound.Duplicates == 0
                && outbound.Connections.All(c => Math.Abs(c.Rate - options.Rate) / options.Rate <= 0.05);
        }

        if (options.Viral)
        {
            var viral = await SocialViral.RunAsync(options, http, graph);
            report.AddRange(SocialViral.Report(viral, options));
            met &= SocialViral.Met(viral);
        }

        System.Console.WriteLine();
        report.ForEach(System.Console.WriteLine);
        return met ? 0 : 1;
    }
}
