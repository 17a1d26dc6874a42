using System.Diagnostics;
using System.Net;
using Parley.Bench;

if (args.Contains("--nlu"))
{
    return await NluBench.RunAsync(args);
}

if (args.Contains("--flow-api"))
{
    return await FlowApiBench.RunAsync(args);
}

if (args.Contains("--console-list"))
{
    return await ConsoleListBench.RunAsync(args);
}

if (args.Contains("--routing"))
{
    return await RoutingBench.RunAsync(args);
}

if (args.Contains("--consoles"))
{
    return await ConsolesBench.RunAsync(args);
}

if (args.Contains("--social"))
{
    SocialOptions social;
    try
    {
        social = SocialOptions.Parse(args);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }

    return await SocialBench.RunAsync(social);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options.Attack)
{
    return await AttackReplay.RunAsync(options);
}

// One client for every scenario, so the baseline and Parley are driven by the same connection handling.
using var client = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
})
{
    Timeout = TimeSpan.FromSeconds(90),
};

var outcomes = new List<Outcome>();
Log($"Parley.Bench: {Environment.ProcessorCount} cores, {options.DurationSeconds} s per phase, {options.Customers} customers, rates {string.Join(",", options.Rates)}");

Log("Baseline: no-op Kestrel POST endpoint in the generator process");
await using (var noop = await NoOpServer.StartAsync())
{
    var fakes = Enumerable.Range(0, options.Customers).Select(i => WidgetCustomer.ForBaseline(client, noop.Address, i)).ToList();
    outcomes.Add(await ClosedLoop.RunAsync("Baseline: no-op POST", fakes, options.Warmup, options.Duration, new CpuProbe(null), "req/s"));
}

Log(outcomes[^1].ToString());

await using var parley = await ParleyHost.StartAsync(options.ParleyDll, client, options.Postgres, liftWidgetLimits: true);
Log($"Parley started on {options.Database} (pid {parley.ProcessId}) at {parley.BaseAddress}; log in {parley.LogFile}");
var serverCpu = new CpuProbe(() => parley.CpuTime);

var customers = await StartCustomersAsync(options.Customers);
outcomes.Add(await ClosedLoop.RunAsync("Parley: accepted inbound messages", customers, options.Warmup, options.Duration, serverCpu, "msg/s"));
Log(outcomes[^1].ToString());
var backlog = await WaitUntilProcessedAsync();
Log($"Inbound processor backlog after the closed loop drained in {backlog.TotalSeconds:F1} s");

foreach (var rate in options.Rates)
{
    var size = OpenLoop.PoolSize(rate, options.Duration);
    var setup = Stopwatch.StartNew();
    var pool = await StartCustomersAsync(size);
    Log($"{size} conversations opened for {rate}/s in {setup.Elapsed.TotalSeconds:F1} s ({size / setup.Elapsed.TotalSeconds:F0} sessions+conversations/s)");
    outcomes.Add(await OpenLoop.RunAsync(rate, options.Duration, pool, serverCpu));
    Log(outcomes[^1].ToString());
    Log($"Backlog drained in {(await WaitUntilProcessedAsync()).TotalSeconds:F1} s");
}

Console.WriteLine();
Console.WriteLine(Report.Markdown(outcomes, options, backlog));
await parley.DeleteDataAsync();
return 0;

async Task<List<WidgetCustomer>> StartCustomersAsync(int count)
{
    var started = new WidgetCustomer[count];
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
        async (i, ct) => started[i] = await WidgetCustomer.StartAsync(client, parley.BaseAddress, ct));
    return [.. started];
}

// Fresh conversations on every processor partition: their bot replies come once the messages rung before them were processed.
async Task<TimeSpan> WaitUntilProcessedAsync()
{
    var clock = Stopwatch.StartNew();
    var probes = await StartCustomersAsync(8);
    await Task.WhenAll(probes.Select(async p =>
    {
        var seq = await p.SendAsync(WidgetCustomer.Topics[0].Title, WidgetCustomer.Topics[0].Id, CancellationToken.None)
            ?? throw new InvalidOperationException("A probe message was refused.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        if (!await p.WaitForBotReplyAsync(seq, timeout.Token))
        {
            throw new InvalidOperationException("The bot never answered a probe message.");
        }
    }));
    return clock.Elapsed;
}

static void Log(string line) => BenchLog.Write(line);
