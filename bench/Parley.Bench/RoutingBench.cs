using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Bench;

/// <summary>
/// <c>--routing [--postgres "…"] [--conversations 50000] [--nodes 1 on SQLite, 2 on PostgreSQL] [--rounds 2] [--trace]</c>: 10 accounts, 1,000 advisors going online at once
/// in front of a queue of conversations, routed by the real <see cref="Router"/> (its passes: snapshot, plan, commit),
/// <c>--nodes</c> pass loops at once as several nodes would run them. Reports committed assignments per second, the passes,
/// and the planner's own decisions per second on one snapshot; checks in SQL, during the run and after, that no advisor is
/// over any capacity (exit code 1 when one is, or when the rate is under 10,000/s).
/// </summary>
internal static class RoutingBench
{
    public const string Usage = "       Parley.Bench --routing [--conversations 50000] [--nodes 1|2] [--postgres …] [--rounds 2] [--trace]";

    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Option(args, "--postgres");
        var count = int.Parse(Option(args, "--conversations") ?? "50000", CultureInfo.InvariantCulture);
        // SQLite is one node's database (its writers queue at one gate): two routers there only race for it.
        var nodes = int.Parse(Option(args, "--nodes") ?? (postgres is null ? "1" : "2"), CultureInfo.InvariantCulture);
        var database = postgres is null ? "SQLite" : "PostgreSQL";
        BenchLog.Write($"Parley.Bench --routing: {Environment.ProcessorCount} cores, {database}, {count} conversations, {nodes} nodes");
        // Each node is a Router of its own, run by the bench; the host's own router loop is left out, so --nodes counts them all.
        await using var parley = await InProcessParley.StartAsync(postgres, [], router: false);
        var routers = Enumerable.Range(0, nodes).Select(_ => ActivatorUtilities.CreateInstance<Router>(parley.Services)).ToList();

        var rounds = int.Parse(Option(args, "--rounds") ?? "2", CultureInfo.InvariantCulture);
        var trace = args.Contains("--trace");
        var rate = 0.0;
        for (var round = 1; round <= rounds; round++)
        {
            // Each round is a workspace of its own (same shape, same seed); the previous round's advisors go offline, their
            // conversations stay in the database. The first round runs in a cold process, the next ones in a warm one.
            var setup = Stopwatch.StartNew();
            var workspace = await BenchWorkspace.CreateAsync(parley, accounts: 10, advisorsPerAccount: 100, Prefix(round));
            await workspace.QueueAsync(parley, count);
            BenchLog.Write($"Round {round}: seeded {workspace.Advisors.Count} advisors and {count} queued conversations in {setup.Elapsed.TotalSeconds:F1} s");
            if (round > 1)
            {
                await BenchWorkspace.SetPresenceAsync(parley, Presence.Offline, Prefix(round - 1));
            }

            await BenchWorkspace.SetPresenceAsync(parley, Presence.Online, Prefix(round));
            if (postgres is not null)
            {
                await SettleAsync(parley);
            }

            (rate, var failed) = await RoundAsync(parley, workspace, routers, database, count, round == 1 ? "cold process" : "warm process", trace);
            if (failed)
            {
                return 1;
            }
        }

        return rate >= 10_000 ? 0 : 1;

        // The advisors' e-mail prefix of a round's workspace: the first round's is the other benches' own.
        static string Prefix(int round) => round == 1 ? "bench" : $"bench{round}";
    }

    /// <summary>
    /// PostgreSQL's upkeep of the seed, done before the clock starts (<c>VACUUM (ANALYZE)</c>). Fifty thousand rows written in
    /// one go woke autovacuum, which in a fresh database vacuumed and analysed them during the first round: 12 % of the
    /// server's CPU samples in that round's window, none in the next (perf, 2026-12-07). A backlog that builds up over
    /// minutes is kept up as it comes; the round measures routing, not the seed's aftermath.
    /// </summary>
    private static async Task SettleAsync(InProcessParley parley)
    {
        var watch = Stopwatch.StartNew();
        await parley.DbAsync(async db =>
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            return await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE)");
        });
        BenchLog.Write($"Database settled (VACUUM (ANALYZE)) in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Routes the round's queued conversations with the online advisors; reports; fails when one is over capacity.</summary>
    private static async Task<(double Rate, bool OverCapacity)> RoundAsync(
        InProcessParley parley, BenchWorkspace workspace, List<Router> routers, string database, int count, string process, bool trace)
    {
        var planner = await PlannerAsync(parley);
        BenchLog.Write($"Planner alone: {planner.Decisions} decisions on one snapshot ({planner.Waiting} waiting, {planner.Advisors} advisors) "
            + $"in {planner.PlanMs:F2} ms: {planner.Decisions / (planner.PlanMs / 1000):F0} decisions/s; snapshot read {planner.ReadMs:F1} ms");

        var before = await CountAsync(parley, AssignedSql);
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(parley, sampling.Token);
        var (machineAtStart, selfAtStart) = (CpuProbe.MachineBusySeconds(), CpuProbe.SelfCpu());
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(routers.Select((router, node) => Task.Run(() => NodeAsync(router, clock, trace ? node + 1 : 0))));
        var last = results.MaxBy(r => r.LastAssignment.Ticks)!;
        var elapsed = last.LastAssignment;
        await sampling.CancelAsync();
        var samples = await sampler;

        var assigned = await CountAsync(parley, AssignedSql) - before;
        var over = await OverCapacityAsync(parley);
        var full = await CountAsync(parley, FullSql);
        var rate = assigned / elapsed.TotalSeconds;
        var passes = results.Sum(r => r.Passes);
        System.Console.WriteLine();
        System.Console.WriteLine($"Routing at scale, {database}, {process}: {workspace.Advisors.Count} advisors online across {workspace.AccountIds.Count} accounts, {count} queued, {routers.Count} nodes");
        System.Console.WriteLine($"| committed assignments | time to the last | assignments/s | passes (with work) | planner decisions/s | over capacity (samples, after) | advisor capacities full |");
        System.Console.WriteLine($"|---|---|---|---|---|---|---|");
        System.Console.WriteLine($"| {assigned} | {elapsed.TotalSeconds:F2} s | {rate:F0} | {passes} ({results.Sum(r => r.Working)}) | {planner.Decisions / (planner.PlanMs / 1000):F0} | "
            + $"{samples.Over} in {samples.Count} samples, {over} after | {full} |");
        // Nodes plan the same line: the first commit takes the head, the others' commits find it taken, and a node whose
        // passes keep assigning nothing stops. This line says how many did the work.
        System.Console.WriteLine($"Passes with work per node: {string.Join(", ", results.Select(r => r.Working))}");
        // CPU to the last assignment, the whole machine's (Parley, its database, anything else) and this process's: on a
        // machine whose speed varies from run to run, the cost of an assignment varies less than the rate.
        var (machine, self) = (last.MachineCpu - machineAtStart, (last.SelfCpu - selfAtStart).TotalSeconds);
        System.Console.WriteLine($"CPU to the last assignment: {machine:F2} s of the machine's ({machine / elapsed.TotalSeconds:F2} cores), "
            + $"{machine * 1e6 / Math.Max(1, assigned):F0} µs per assignment, of which this process {self * 1e6 / Math.Max(1, assigned):F0} µs");
        if (over > 0 || samples.Over > 0)
        {
            System.Console.Error.WriteLine($"FAILED: an advisor was over capacity ({samples.Over} during the run, {over} after).");
            return (rate, true);
        }

        return (rate, false);
    }

    private const string AssignedSql = "SELECT COUNT(*) AS \"Value\" FROM conversations WHERE status = 'Assigned'";

    /// <param name="MachineCpu">The machine's busy CPU seconds since boot at this node's last assignment.</param>
    /// <param name="SelfCpu">This process's CPU time then.</param>
    private sealed record NodeResult(int Passes, int Working, TimeSpan LastAssignment, double MachineCpu, TimeSpan SelfCpu);

    /// <summary>One node's router: passes until three in a row find nothing to assign.</summary>
    /// <param name="trace">When not 0, this node's number, printed with each pass's end time, assignments and duration.</param>
    private static async Task<NodeResult> NodeAsync(Router router, Stopwatch clock, int trace)
    {
        var (passes, working, idle, last) = (0, 0, 0, TimeSpan.Zero);
        var (machineCpu, selfCpu) = (0.0, TimeSpan.Zero);
        while (idle < 3)
        {
            passes++;
            var started = clock.Elapsed;
            var assigned = await router.AssignAsync(CancellationToken.None);
            if (trace != 0)
            {
                BenchLog.Write($"node {trace} pass {passes}: {assigned} assigned in {(clock.Elapsed - started).TotalMilliseconds:F1} ms, at {clock.Elapsed.TotalMilliseconds:F0} ms");
            }

            if (assigned > 0)
            {
                (working, idle, last) = (working + 1, 0, clock.Elapsed);
                (machineCpu, selfCpu) = (CpuProbe.MachineBusySeconds(), CpuProbe.SelfCpu());
            }
            else
            {
                idle++;
                await Task.Delay(20);
            }
        }

        return new NodeResult(passes, working, last, machineCpu, selfCpu);
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

    /// <summary>
    /// Advisors' loads per kind, in load units (channel weights, 1 when unset), against that kind's capacity. Counted per
    /// advisor, kind, account and channel first, then weighted: the weights are looked up once per group, not per conversation.
    /// </summary>
    private const string LoadsSql = "SELECT l.load, CASE WHEN l.is_public THEN a.public_capacity ELSE a.capacity END AS capacity FROM ("
        + "SELECT g.assignee_id, g.is_public, SUM(g.n * COALESCE(w.units, 1)) AS load FROM ("
        + "SELECT c.assignee_id, c.is_public, c.account_id, c.channel, COUNT(*) AS n FROM conversations c "
        + "WHERE c.assignee_id IS NOT NULL AND c.status IN ('Assigned', 'WaitingForCustomer') GROUP BY c.assignee_id, c.is_public, c.account_id, c.channel) g "
        + "LEFT JOIN channel_weights w ON w.account_id = g.account_id AND w.channel = g.channel GROUP BY g.assignee_id, g.is_public) l "
        + "JOIN advisors a ON a.id = l.assignee_id";

    /// <summary>The online advisors (this round's) with a kind at capacity.</summary>
    private const string FullSql = $"SELECT COUNT(*) AS \"Value\" FROM ({LoadsSql} WHERE a.presence = 'Online') x WHERE x.load = x.capacity";

    private static Task<long> OverCapacityAsync(InProcessParley parley) =>
        CountAsync(parley, $"SELECT COUNT(*) AS \"Value\" FROM ({LoadsSql}) x WHERE x.load > x.capacity");

    /// <remarks>
    /// On PostgreSQL the count groups by hashing (<c>enable_sort</c> off for its transaction): with statistics read before
    /// the round (a few rows assigned), the planner sorted every assigned conversation to group them, 225 – 315 ms a
    /// sample under load, which the bench took from the two cores it measures Parley on. On SQLite it is read outside a
    /// transaction: Microsoft.Data.Sqlite begins one with <c>BEGIN IMMEDIATE</c>, the lock Parley's writers take.
    /// </remarks>
    private static async Task<long> CountAsync(InProcessParley parley, string sql) => await parley.DbAsync(async db =>
    {
        if (!db.Database.IsNpgsql())
        {
            return (await db.Database.SqlQueryRaw<long>(sql).ToListAsync()).Single();
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_sort = off");
        return (await db.Database.SqlQueryRaw<long>(sql).ToListAsync()).Single();
    });

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
