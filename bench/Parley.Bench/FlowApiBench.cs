using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parley.Bench;

/// <summary>
/// <c>Parley.Bench --flow-api [--duration 15] [--customers 64] [--rates 200] [--latency 200] [--postgres …]</c>: the bot's
/// business API step under load, in one run. The same flow answers every message (a choice or any text) after a
/// lookup: a set step (the baseline) or an API step whose server answers in <c>--latency</c> ms. For each, a fresh
/// Parley measures the accepted messages in a closed loop, and another the bot's reply time at each open-loop rate, after
/// a warm-up at that rate (<c>--warmup</c> seconds) that is not measured.
/// </summary>
internal static partial class FlowApiBench
{
    private const string Password = "parley-demo";

    public static async Task<int> RunAsync(string[] args)
    {
        var latency = 200;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--flow-api")
            {
                continue;
            }

            if (args[i] == "--latency" && i + 1 < args.Length)
            {
                latency = int.Parse(args[++i], CultureInfo.InvariantCulture);
                continue;
            }

            rest.Add(args[i]);
        }

        var options = BenchOptions.Parse([.. rest]);
        if (!rest.Contains("--rates"))
        {
            options = options with { Rates = [200] };
        }

        await using var api = await NoOpServer.StartAsync(TimeSpan.FromMilliseconds(latency));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(90) };
        var outcomes = new List<Outcome>();
        BenchLog.Write($"Parley.Bench --flow-api: {Environment.ProcessorCount} cores, {options.DurationSeconds} s per phase, {options.Customers} customers, API latency {latency} ms");
        foreach (var (name, lookup) in new[] { ("set step (baseline)", SetLookup), ($"API step ({latency} ms)", ApiLookup(api.ApiAddress)) })
        {
            await using (var parley = await StartAsync(client, options, Flow(lookup)))
            {
                var customers = await CustomersAsync(client, parley, options.Customers);
                outcomes.Add(await ClosedLoop.RunAsync($"Accepted, flow with a {name}", customers, options.Warmup, options.Duration, new CpuProbe(() => parley.CpuTime), "msg/s"));
                BenchLog.Write(outcomes[^1].ToString());
                await parley.DeleteDataAsync();
            }

            foreach (var rate in options.Rates)
            {
                await using var parley = await StartAsync(client, options, Flow(lookup));
                var pool = await CustomersAsync(client, parley, OpenLoop.PoolSize(rate, options.Duration));

                // A fresh process compiles its code and queries on the first turns: the same load, not measured, first.
                var warm = await CustomersAsync(client, parley, OpenLoop.PoolSize(rate, options.Warmup));
                BenchLog.Write($"Warm-up at {rate}/s: {await OpenLoop.RunAsync(rate, options.Warmup, warm, new CpuProbe(() => parley.CpuTime))}");
                outcomes.Add(await OpenLoop.RunAsync(rate, options.Duration, pool, new CpuProbe(() => parley.CpuTime)) with { Scenario = $"Bot reply, flow with a {name}" });
                BenchLog.Write(outcomes[^1].ToString());
                await parley.DeleteDataAsync();
            }
        }

        System.Console.WriteLine();
        System.Console.WriteLine(Report(outcomes, options, latency));
        return 0;
    }

    private static string Report(List<Outcome> outcomes, BenchOptions options, int latency)
    {
        var lines = new List<string>
        {
            $"{options.Database}, {Environment.ProcessorCount} cores, {options.DurationSeconds} s per phase, API latency {latency} ms",
            string.Empty,
            "| scenario | load | rate | p50 ms | p99 ms | notes |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        };
        lines.AddRange(outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"| {o.Scenario} | {o.Load} | {o.Rate:F0} {o.RateUnit} | {o.P50Ms:F1} | {o.P99Ms:F1} | {o.Notes} |")));
        var accepted = outcomes.Where(o => o.RateUnit == "msg/s").ToList();
        if (accepted.Count == 2)
        {
            lines.Add(string.Empty);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Accepted with the API step: {accepted[1].Rate / accepted[0].Rate:P1} of the same run without it (goal: at least 90 %)."));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static async Task<ParleyHost> StartAsync(HttpClient client, BenchOptions options, string yaml)
    {
        var parley = await ParleyHost.StartAsync(options.ParleyDll, client, options.Postgres, liftWidgetLimits: true);
        await PublishAsync(parley.BaseAddress, yaml);
        return parley;
    }

    private static async Task<List<WidgetCustomer>> CustomersAsync(HttpClient client, ParleyHost parley, int count)
    {
        var started = new WidgetCustomer[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, ct) => started[i] = await WidgetCustomer.StartAsync(client, parley.BaseAddress, ct));
        return [.. started];
    }

    /// <summary>Signs in as the demo's channel manager and publishes the flow as the demo account's default.</summary>
    private static async Task PublishAsync(Uri parley, string yaml)
    {
        using var console = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = parley };
        var page = await console.GetStringAsync("/login");
        var token = WebUtility.HtmlDecode(TokenField().Match(page).Groups[1].Value);
        using var login = await console.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = "chiara@parley.local",
            ["password"] = Password,
            ["returnUrl"] = string.Empty,
        }));
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as the channel manager failed: {(int)login.StatusCode}.");
        }

        using var created = await console.PostAsJsonAsync("/api/console/flows", new { accountId = 1, name = "Bench", isDefault = true, yaml });
        created.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("flow").GetProperty("id").GetInt64();
        using var published = await console.PostAsJsonAsync($"/api/console/flows/{id}/publish", new { note = "bench" });
        if (!published.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Publishing the bench flow failed: {await published.Content.ReadAsStringAsync()}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
