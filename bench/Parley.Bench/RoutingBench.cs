using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Bench;

/// <summary>
/// <c>--routing [--postgres "…"] [--conversations 50000] [--nodes 2]</c>: 10 accounts, 1,000 advisors going online at once
/// in front of a queue of conversations, routed by the real <see cref="Router"/> (its passes: snapshot, plan, commit),
/// <c>--nodes</c> pass loops at once as several nodes would run them. Reports committed assignments per second, the passes,
/// and the planner's own decisions per second on one snapshot; checks in SQL, during the run and after, that no advisor is
/// over any capacity (exit code 1 when one is, or when the rate is under 10,000/s).
/// </summary>
internal static class RoutingBench
{
    public const string Usage = "       Parley.Bench --routing [--conversations 50000] [--nodes 2] [--postgres …]";

    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Option(args, "--postgres");
        var count = int.Parse(Option(args, "--conversations") ?? "50000", CultureInfo.InvariantCulture);
        var nodes = int.Parse(Option(args, "--nodes") ?? "2", CultureInfo.InvariantCulture);
        var database = postgres is null ? "SQLite" : "PostgreSQL";
        BenchLog.Write($"Parley.Bench --routing: {Environment.ProcessorCount} cores, {database}, {count} conversations, {nodes} nodes");
        // Each node is a Router of its own, run by the bench; the host's own router loop is left out, so --nodes counts them all.
        await using var parley = await InProcessParley.StartAsync(postgres, [], router: false);
        var routers = Enumerable.Range(0, nodes).Select(_ => ActivatorUtilities.CreateInstance<Router>(parley.Services)).ToList();

        var setup = Stopwatch.StartNew();
        var workspace = await BenchWorkspace.CreateAsync(parley, accounts: 10, advisorsPerAccount: 100);
        await workspace.QueueAsync(parley, count);
        BenchLog.Write($"Seeded {workspace.Advisors.Count} advisors and {count} queued conversations in {setup.Elapsed.TotalSeconds:F1} s");
        await BenchWorkspace.SetPresenceAsync(parley, Presence.Online);

        var planner = await PlannerAsync(parley);
        BenchLog.Write($"Planner alone: {planner.Decisions} decisions on one snapshot ({planner.Waiting} waiting, {planner.Advisors} advisors) "
            + $"in {planner.PlanMs:F2} ms: {planner.Decisions / (planner.PlanMs / 1000):F0} decisions/s; snapshot read {planner.ReadMs:F1} ms");

        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(parley, sampling.Token);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(routers.Select(router => Task.Run(() => NodeAsync(router, clock))));
        var elapsed = TimeSpan.FromTicks(results.Max(r => r.LastAssignment.Ticks));
        await sampling.CancelAsync();
        var samples = await sampler;

        var assigned = await CountAsync(parley, "SELECT COUNT(*) AS \"Value\" FROM conversations WHERE status = 'Assigned'");
        var over = await OverCapacityAsync(parley);
        var full = await CountAsync(parley, FullSql);
        var rate = assigned / elapsed.TotalSeconds;
        var passes = results.Sum(r => r.Passes);
        System.Console.WriteLine();
        System.Console.WriteLine($"Routing at scale, {database}: {workspace.Advisors.Count} advisors online across {workspace.AccountIds.Count} accounts, {count} queued, {nodes} nodes");
        System.Console.WriteLine($"| committed assignments | time to the last | assignments/s | passes (with work) | planner decisions/s | over capacity (samples, after) | advisor capacities full |");
        System.Console.WriteLine($"|---|---|---|---|---|---|---|");
        System.Console.WriteLine($"| {assigned} | {elapsed.TotalSeconds:F2} s | {rate:F0} | {passes} ({results.Sum(r => r.Working)}) | {planner.Decisions / (planner.PlanMs / 1000):F0} | "
            + $"{samples.Over} in {samples.Count} samples, {over} after | {full} |");
        if (over > 0 || samples.Over > 0)
        {
            System.Console.Error.WriteLine($"FAILED: an advisor was over capacity ({samples.Over} during the run, {over} after).");
            return 1;
        }

        return rate >= 10_000 ? 0 : 1;
    }

    private sealed record NodeResult(int Passes, int Working, TimeSpan LastAssignment);

    /// <summary>One node's router: passes until three in a row find nothing to assign.</summary>
    private static async Task<NodeResult> NodeAsync(Router router, Stopwatch clock)
    {
        var (passes, working, idle, last) = (0, 0, 0, TimeSpan.Zero);
        while (idle < 3)
        {
            passes++;
            if (await router.AssignAsync(CancellationToken.None) > 0)
            {
                (working, idle, last) = (working + 1, 0, clock.Elapsed);
            }
            else
            {
                idle++;
                await Task.Delay(20);
            }
        }

        return new NodeResult(passes, working, last);
    }

    private sealed record PlannerResult(int Waiting, int Advisors, int Decisions, double PlanMs, double ReadMs);

    /// <summary>The planner alone, on the first pass's snapshot: the median of 21 plans.</summary>
    private static async Task<PlannerResult> PlannerAsync(InProcessParley parley)
    {
        var read = Stopwatch.StartNew();
        var snapshot = await parley.DbAsync(db => RoutingSnapshot.ReadAsync(db, TimeSpan.FromMinutes(15), 1000, CancellationToken.None));
        var readMs = read.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        var decisions = 0;
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            decisions = AllocationPlanner.Plan(DateTime.UtcNow, snapshot.Waiting, snapshot.Advisors, snapshot.Rules).Count;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return new PlannerResult(snapshot.Waiting.Count, snapshot.Advisors.Count, decisions, times[times.Count / 2], readMs);
    }

    /// <summary>Advisors' loads per kind, in load units (channel weights, 1 when unset), against that kind's capacity.</summary>
    private const string LoadsSql = "SELECT l.load, CASE WHEN l.is_public THEN a.public_capacity ELSE a.capacity END AS capacity FROM ("
        + "SELECT c.assignee_id, c.is_public, SUM(COALESCE(w.units, 1)) AS load FROM conversations c "
        + "LEFT JOIN channel_weights w ON w.account_id = c.account_id AND w.channel = c.channel "
        + "WHERE c.assignee_id IS NOT NULL AND c.status IN ('Assigned', 'WaitingForCustomer') GROUP BY c.assignee_id, c.is_public) l "
        + "JOIN advisors a ON a.id = l.assignee_id";

    private const string FullSql = $"SELECT COUNT(*) AS \"Value\" FROM ({LoadsSql}) x WHERE x.load = x.capacity";

    private static Task<long> OverCapacityAsync(InProcessParley parley) =>
        CountAsync(parley, $"SELECT COUNT(*) AS \"Value\" FROM ({LoadsSql}) x WHERE x.load > x.capacity");

    private static async Task<long> CountAsync(InProcessParley parley, string sql) =>
        (await parley.DbAsync(db => db.Database.SqlQueryRaw<long>(sql).ToListAsync())).Single();

    /// <summary>Checks every second, on a connection of its own, that no advisor is over capacity.</summary>
    private static async Task<(int Count, long Over)> SampleAsync(InProcessParley parley, CancellationToken stop)
    {
        var (count, over) = (0, 0L);
        while (!stop.IsCancellationRequested)
        {
            over += await OverCapacityAsync(parley);
            count++;
            try
            {
                await Task.Delay(1000, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return (count, over);
    }

    /// <summary>The value after <paramref name="name"/> on the command line, if any.</summary>
    internal static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
