using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Channels;
using Parley.Console;
using Parley.Conversations;
using Parley.Identity;

namespace Parley.Bench;

/// <summary>
/// <c>--consoles [--postgres "…"] [--count 500] [--seconds 30] [--burst 200] [--warmup 5]</c>: live consoles in process, each as the
/// console page keeps it: a <see cref="ConsoleFeed"/> on its advisor's accounts, created before the first read, whose
/// handler hands the events to the page's own list (<see cref="LiveList.ApplyAsync"/>: the named rows patched through the
/// node's shared <see cref="ConsoleRows"/>, default filter, first page loaded). Every second one advisor per account replies
/// in a conversation (a committed change in each account, so every console refreshes), then a burst of changes at once.
/// The latency of a change at a console runs from just before the reply is sent (so it includes the commit) to the end of
/// the list's update for the batch holding the change's event. Server-side time only: Blazor's render diff and the network
/// to the browser are not included. The first <c>--warmup</c> seconds of changes are not counted (a warm process, as a node
/// that has been serving consoles for a while).
/// </summary>
internal static class ConsolesBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var postgres = Option(args, "--postgres");
        var count = int.Parse(Option(args, "--count") ?? "500", CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds") ?? "30", CultureInfo.InvariantCulture);
        var burst = int.Parse(Option(args, "--burst") ?? "200", CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup") ?? "5", CultureInfo.InvariantCulture);
        var database = postgres is null ? "SQLite" : "PostgreSQL";
        BenchLog.Write($"Parley.Bench --consoles: {Environment.ProcessorCount} cores, {database}, {count} consoles");
        await using var parley = await InProcessParley.StartAsync(postgres, []);
        var workspace = await BenchWorkspace.CreateAsync(parley, accounts: 10, advisorsPerAccount: Math.Max(1, count / 10));
        var ids = await workspace.QueueAsync(parley, 5_000);
        var queries = parley.Service<ConsoleQueries>();
        var shared = parley.Service<ConsoleRows>();
        var actions = parley.Service<ConversationActions>();

        // The conversations that change: private website ones (no outbound delivery), each assigned to an advisor of its account.
        var changing = await parley.DbAsync(db => db.Conversations.Where(c => ids.Contains(c.Id) && c.Channel == ChannelKind.WebMessaging && !c.IsPublic)
            .Select(c => new { c.Id, c.AccountId }).ToListAsync());
        var targets = changing.GroupBy(c => c.AccountId).ToDictionary(g => g.Key, g => new Queue<long>(g.Select(c => c.Id)));
        var sessions = workspace.Advisors.Take(count)
            .Select(a => new AdvisorSession(a.Id, $"Advisor {a.Id}", AdvisorRole.Advisor, new HashSet<long> { a.AccountId })).ToList();
        var owner = sessions.GroupBy(s => s.AccountIds.Single()).ToDictionary(g => g.Key, g => g.First());
        await parley.DbAsync(async db =>
        {
            foreach (var (accountId, queue) in targets)
            {
                var list = queue.ToList();
                await db.Conversations.Where(c => list.Contains(c.Id)).ExecuteUpdateAsync(u => u
                    .SetProperty(c => c.Status, ConversationStatus.Assigned).SetProperty(c => c.AssigneeId, owner[accountId].Id));
            }

            return 0;
        });

        var sent = new ConcurrentDictionary<long, long>(); // conversation id -> timestamp just before the change
        var latencies = new ConcurrentBag<double>();
        var commits = new ConcurrentBag<double>(); // the reply alone, to its commit: the writer's share of a change's latency
        var published = new ConcurrentDictionary<long, long>(); // conversation id -> when the change's first event left the hub
        var fanOut = new ConcurrentBag<double>(); // from the change's publication (after its commit) to fresh rows at a console
        var feeds = new List<ConsoleFeed>();
        // A probe per account, listening first: when a changed conversation's first event is handed out (its commit is done).
        foreach (var accountId in targets.Keys)
        {
            feeds.Add(new ConsoleFeed(parley.Service<ConversationEventHub>(), [accountId], events =>
            {
                var at = Stopwatch.GetTimestamp();
                foreach (var e in events.Where(e => sent.ContainsKey(e.ConversationId)))
                {
                    published.TryAdd(e.ConversationId, at);
                }

                return Task.CompletedTask;
            }, NullLogger.Instance));
        }

        foreach (var session in sessions)
        {
            // Listen, then read, as the page does; one account per console, so the feed calls the handler one batch at a time.
            var list = new LiveList(queries, shared, session);
            feeds.Add(new ConsoleFeed(parley.Service<ConversationEventHub>(), session.AccountIds, async events =>
            {
                var arrived = events.Select(e => e.ConversationId).Where(sent.ContainsKey).ToList();
                await list.ApplyAsync(events);
                var done = Stopwatch.GetTimestamp();
                foreach (var id in arrived.Distinct())
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent[id], done).TotalMilliseconds);
                    if (published.TryGetValue(id, out var at))
                    {
                        fanOut.Add(Stopwatch.GetElapsedTime(at, done).TotalMilliseconds);
                    }
                }
            }, NullLogger.Instance));
            await list.LoadAsync(new ConversationFilter());
        }

        BenchLog.Write($"{sessions.Count} consoles listening; {seconds} s of one change per account per second");
        async Task ChangeAsync(long accountId)
        {
            long id;
            lock (targets)
            {
                id = targets[accountId].Dequeue();
            }

            sent[id] = Stopwatch.GetTimestamp();
            var outcome = await actions.ReplyAsync(owner[accountId], id, "Thanks, looking into it.", default);
            commits.Add(Stopwatch.GetElapsedTime(sent[id]).TotalMilliseconds);
            if (!outcome.Ok)
            {
                throw new InvalidOperationException($"A reply was refused: {outcome.Error}");
            }
        }

        async Task EverySecondAsync(int count)
        {
            for (var s = 0; s < count; s++)
            {
                var tick = Task.Delay(1000);
                await Task.WhenAll(targets.Keys.Select(ChangeAsync));
                await tick;
            }
        }

        if (warmup > 0)
        {
            // The same changes, not counted: the process compiles the reply and update paths while they run.
            await EverySecondAsync(warmup);
            await Task.Delay(2000);
            BenchLog.Write($"Warm-up: {warmup} s of changes ({latencies.Count} console updates) not counted; measuring");
            latencies.Clear();
            commits.Clear();
            fanOut.Clear();
        }

        await EverySecondAsync(seconds);

        await Task.Delay(2000);
        var steady = Summary(latencies.ToList());
        var steadyCommits = Summary(commits.ToList());
        var steadyFanOut = Summary(fanOut.ToList());
        latencies.Clear();
        commits.Clear();
        fanOut.Clear();
        BenchLog.Write($"Burst: {burst} changes at once");
        await Task.WhenAll(Enumerable.Range(0, burst).Select(i => Task.Run(() => ChangeAsync(targets.Keys.ElementAt(i % targets.Count)))));
        await Task.Delay(5000);
        var bursty = Summary(latencies.ToList());
        var burstyCommits = Summary(commits.ToList());
        var burstyFanOut = Summary(fanOut.ToList());
        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }

        System.Console.WriteLine();
        System.Console.WriteLine($"Live consoles, {database}: {sessions.Count} consoles over {targets.Count} accounts, 5,000 open conversations");
        System.Console.WriteLine("| phase | change→fresh rows at a console | p50 | p99 | max |");
        System.Console.WriteLine("|---|---|---|---|---|");
        System.Console.WriteLine($"| {seconds} s, {targets.Count} changes/s | {steady.Count} | {steady.P50:F1} ms | {steady.P99:F1} ms | {steady.Max:F1} ms |");
        System.Console.WriteLine($"| burst of {burst} | {bursty.Count} | {bursty.P50:F1} ms | {bursty.P99:F1} ms | {bursty.Max:F1} ms |");
        System.Console.WriteLine($"| (the replies alone, to their commit: steady) | {steadyCommits.Count} | {steadyCommits.P50:F1} ms | {steadyCommits.P99:F1} ms | {steadyCommits.Max:F1} ms |");
        System.Console.WriteLine($"| (the replies alone, to their commit: burst) | {burstyCommits.Count} | {burstyCommits.P50:F1} ms | {burstyCommits.P99:F1} ms | {burstyCommits.Max:F1} ms |");
        System.Console.WriteLine($"| (from the change's publication, after its commit: steady) | {steadyFanOut.Count} | {steadyFanOut.P50:F1} ms | {steadyFanOut.P99:F1} ms | {steadyFanOut.Max:F1} ms |");
        System.Console.WriteLine($"| (from the change's publication, after its commit: burst) | {burstyFanOut.Count} | {burstyFanOut.P50:F1} ms | {burstyFanOut.P99:F1} ms | {burstyFanOut.Max:F1} ms |");
        return steady.P99 < 100 && bursty.P99 < 100 ? 0 : 1;
    }

    private sealed record Latencies(int Count, double P50, double P99, double Max);

    private static Latencies Summary(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? new(0, 0, 0, 0) : new(values.Count, At(0.50), At(0.99), values[^1]);
        double At(double q) => values[Math.Min(values.Count - 1, (int)(q * values.Count))];
    }

    private static string? Option(string[] args, string name) => RoutingBench.Option(args, name);
}
