using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Parley.Console;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bench;

/// <summary>The viral post (issue 10): private messages, then comments under one post, on one Parley, and the console's list meanwhile.</summary>
internal sealed record ViralResult(WebhookRun Private, long PrivateStored, Latencies PrivateList, WebhookRun Comments, long CommentsStored, long Threads, Latencies List)
{
    public double Share => Comments.MessagesPerSecond / Private.MessagesPerSecond;
}

/// <summary>
/// <c>--social viral</c>: a burst of comments under one of the Page's posts, against private messages of the same shape
/// (signed webhooks, closed loop of <c>--senders</c>, one event per POST), on the same Parley, one after the other. While
/// the comments arrive, the bench reads the console's list of the account the way the console does
/// (<see cref="ConsoleQueries.ListAsync"/>, an admin of the account, open conversations), one call after the other,
/// from its own process on the same database. Afterwards it counts the comments stored and the public threads opened.
/// </summary>
internal static class SocialViral
{
    private const string PostId = SocialInbound.PageId + "_880077006600";

    public static async Task<ViralResult> RunAsync(SocialOptions options, HttpClient http, GraphStandIn graph)
    {
        await using var parley = await ParleyHost.StartAsync(options.ParleyDll, http, options.Postgres, liftWidgetLimits: false, SocialInbound.Settings(graph));
        BenchLog.Write($"Parley started on {options.Database} (pid {parley.ProcessId}); log in {parley.LogFile}");
        var database = new ParleyDatabase(parley.ConnectionString, parley.OnPostgres);
        var target = new Uri(parley.BaseAddress, "/webhooks/messenger");
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        try
        {
            // A fresh process compiles its code on the first messages: a load of the same shape first, not measured.
            await new WebhookLoad(SocialInbound.PageId, SocialInbound.AppSecret, 2, 1, options.Senders, options.Customers)
                .RunAsync(http, target, warmup, warmup, new CpuProbe(null));
            await CatchUpAsync(database);
            // The console's list is read the same way in both phases, so both pay for it alike.
            var list = new ConsoleList(parley.ConnectionString, parley.OnPostgres, await database.CountAsync("SELECT id FROM accounts WHERE name = 'La Posta'"));
            await list.WarmAsync();
            var direct = new WebhookLoad(SocialInbound.PageId, SocialInbound.AppSecret, 0, 1, options.Senders, options.Customers);
            BenchLog.Write($"Private messages: {options.Senders} senders, {options.Customers} customers, the console's list read meanwhile");
            var (privateRun, privateList) = await list.WhileAsync(() => direct.RunAsync(http, target, warmup, duration, new CpuProbe(() => parley.CpuTime)));
            await CatchUpAsync(database);
            var privateStored = await database.StoredAsync(direct.IdPrefix);
            BenchLog.Write($"  {privateRun.MessagesPerSecond:F0} msg/s, p99 {privateRun.P99Ms:F1} ms; stored {privateStored} of {privateRun.AcceptedMessages}; list p99 {privateList.Percentile(99):F1} ms");

            var comments = new WebhookLoad(SocialInbound.PageId, SocialInbound.AppSecret, 1, 1, options.Senders, options.Customers, PostId);
            BenchLog.Write($"Comments under post {PostId}: {options.Senders} senders, {options.Customers} customers, the console's list read meanwhile");
            var (commentsRun, commentsList) = await list.WhileAsync(() => comments.RunAsync(http, target, warmup, duration, new CpuProbe(() => parley.CpuTime)));
            await CatchUpAsync(database);
            var stored = await database.StoredAsync(comments.IdPrefix);
            var threads = await database.CountAsync(
                "SELECT COUNT(*) FROM conversations c JOIN social_posts p ON p.id = c.post_id WHERE p.platform_post_id = @post", ("@post", PostId));
            BenchLog.Write($"  {commentsRun.MessagesPerSecond:F0} comments/s, p99 {commentsRun.P99Ms:F1} ms; stored {stored} of {commentsRun.AcceptedMessages} in {threads} threads; list p99 {commentsList.Percentile(99):F1} ms over {commentsList.Count} calls");
            return new ViralResult(privateRun, privateStored, privateList, commentsRun, stored, threads, commentsList);
        }
        finally
        {
            await parley.DeleteDataAsync();
        }
    }

    public static IEnumerable<string> Report(ViralResult r, SocialOptions options)
    {
        yield return $"Viral post: signed Messenger webhooks, closed loop of {options.Senders} senders, one event per POST, {options.Customers} customers per phase, {options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up; Parley on {options.Database}.";
        yield return "";
        yield return "| phase | accepted /s | p50 / p99 ms | server CPU | accepted (200) in all | stored | public threads |";
        yield return "| --- | ---: | ---: | ---: | ---: | ---: | ---: |";
        yield return Row("private messages", r.Private, r.PrivateStored, "–");
        yield return Row("comments under one post", r.Comments, r.CommentsStored, r.Threads.ToString(CultureInfo.InvariantCulture));
        yield return "";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Console list of the account, read one call after another meanwhile: {r.PrivateList.Count} calls during the private messages, p50 {r.PrivateList.Percentile(50):F1} ms, p99 {r.PrivateList.Percentile(99):F1} ms; {r.List.Count} calls during the comments, p50 {r.List.Percentile(50):F1} ms, p99 {r.List.Percentile(99):F1} ms.");
        yield return "";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"- goal: comments accepted at the rate of private messages (at least 90 %): {r.Share:P1} → {SocialInbound.Verdict(r.Share >= 0.9)}");
        yield return $"- goal: at least 10,000 comments in the burst, each stored once: {r.Comments.AcceptedMessages} accepted, {r.CommentsStored} stored → {SocialInbound.Verdict(r.Comments.AcceptedMessages >= 10_000 && r.CommentsStored == r.Comments.AcceptedMessages)}";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"- goal: the console's list under 100 ms at p99: {r.List.Percentile(99):F1} ms → {SocialInbound.Verdict(r.List.Percentile(99) < 100)}");
    }

    public static bool Met(ViralResult r) =>
        r.Share >= 0.9 && r.Comments.AcceptedMessages >= 10_000 && r.CommentsStored == r.Comments.AcceptedMessages && r.List.Percentile(99) < 100;

    private static string Row(string phase, WebhookRun run, long stored, string threads) => string.Create(CultureInfo.InvariantCulture,
        $"| {phase} | {run.MessagesPerSecond:F0} | {run.P50Ms:F1} / {run.P99Ms:F1} | {run.ServerCores:F2} | {run.AcceptedMessages} | {stored} | {threads} |");

    private static async Task CatchUpAsync(ParleyDatabase database)
    {
        await database.JournalDrainAsync(TimeSpan.FromMinutes(10));
        await database.DrainAsync(TimeSpan.FromMinutes(5));
    }

    /// <summary>The console's list query, run by the bench on Parley's database as an admin of the account.</summary>
    private sealed class ConsoleList(string connectionString, bool postgres, long accountId)
    {
        private readonly ConsoleQueries _queries = new(new PooledDbContextFactory<ParleyDb>(postgres
            ? new DbContextOptionsBuilder<ParleyDb>().UseNpgsql(connectionString).Options
            : new DbContextOptionsBuilder<ParleyDb>().UseSqlite(connectionString).Options), TimeProvider.System);

        private readonly AdvisorSession _admin = new(0, "Bench", AdvisorRole.Admin, new HashSet<long> { accountId });

        /// <summary>The first calls compile the query: not measured.</summary>
        public async Task WarmAsync()
        {
            for (var i = 0; i < 20; i++)
            {
                await _queries.ListAsync(_admin, new ConversationFilter(), CancellationToken.None);
            }
        }

        /// <summary>Reads the list, one call after another, for as long as the load runs (on a thread of its own: SQLite's reads complete synchronously).</summary>
        public async Task<(T Result, Latencies List)> WhileAsync<T>(Func<Task<T>> load)
        {
            var latencies = new Latencies();
            using var stop = new CancellationTokenSource();
            var reader = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    await _queries.ListAsync(_admin, new ConversationFilter(), CancellationToken.None);
                    latencies.Add(Stopwatch.GetTimestamp() - started);
                }
            });
            var result = await load();
            await stop.CancelAsync();
            await reader;
            return (result, latencies);
        }
    }
}
