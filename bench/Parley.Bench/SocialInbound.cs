using System.Globalization;

namespace Parley.Bench;

/// <summary>One inbound phase: the same load shape against the no-op baseline and against Parley, and the durability check.</summary>
internal sealed record InboundResult(
    int Batch, WebhookRun Baseline, WebhookRun Parley, long Stored, TimeSpan JournalDrained, TimeSpan Drained, TimeSpan Loaded, WebhookRun? BaselineAfter = null)
{
    /// <summary>Messages stored per second from the load's start until the journal was empty: the pace of processing, behind the answers.</summary>
    public double StoredPerSecond => Stored / (Loaded + JournalDrained).TotalSeconds;

    /// <summary>
    /// The baseline measured before Parley and again after it (Parley idle by then), averaged: the machine drifts between
    /// runs minutes apart, and bracketing keeps that drift from deciding the share.
    /// </summary>
    public double BaselineMessagesPerSecond => BaselineAfter is { } after ? (Baseline.MessagesPerSecond + after.MessagesPerSecond) / 2 : Baseline.MessagesPerSecond;

    public double Share => Parley.MessagesPerSecond / BaselineMessagesPerSecond;

    /// <summary>Every message answered 200 is in the database, and nothing else (no POST went unanswered or was refused).</summary>
    public bool Durable => Checked && Stored == Parley.AcceptedMessages && Parley.RefusedPosts == 0 && Parley.UnansweredPosts == 0;

    /// <summary>False for a run with <c>--load-only</c>: Parley was stopped before catching up, nothing was counted.</summary>
    public bool Checked { get; init; } = true;
}

/// <summary>
/// Signed Messenger webhooks per second, accepted durably (issue 9, item 1). First the baseline: the generator's own
/// no-op Kestrel endpoint (reads the body, answers 200), driven by the same senders with the same bodies and signatures.
/// Then Parley as a child process (like the engine benchmark), with a Messenger connection declared in its configuration
/// (saved at start by <c>ConnectionAdmin</c>) whose Graph API is a stand-in in the generator, so the bot's replies are sent.
/// Each phase uses new customers; after it the bench waits until Parley has processed everything, then counts the
/// phase's messages in the database. Last, the baseline again (Parley idle): each phase's share is taken against the mean
/// of its two baselines.
/// </summary>
internal static class SocialInbound
{
    public const string PageId = "100900800700601";
    public const string AppSecret = "bench-app-secret";

    public static async Task<List<InboundResult>> RunAsync(SocialOptions options, HttpClient http, GraphStandIn graph)
    {
        var loads = options.Batches.Select((batch, phase) => new WebhookLoad(PageId, AppSecret, phase, batch, options.Senders, options.Customers)).ToList();
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var baselines = new List<WebhookRun>();
        await using (var noop = await NoOpServer.StartAsync())
        {
            foreach (var load in loads)
            {
                Log($"Baseline: no-op webhook endpoint, {load.Batch} message(s) per POST, {options.Senders} senders");
                baselines.Add(await load.RunAsync(http, noop.WebhookAddress, warmup, duration, new CpuProbe(null)));
                Log($"  {baselines[^1].MessagesPerSecond:F0} msg/s ({baselines[^1].PostsPerSecond:F0} POST/s), p99 {baselines[^1].P99Ms:F1} ms");
            }
        }

        var parley = await ParleyHost.StartAsync(options.ParleyDll, http, options.Postgres, liftWidgetLimits: false, Settings(graph));
        Log($"Parley started on {options.Database} (pid {parley.ProcessId}) at {parley.BaseAddress}; log in {parley.LogFile}");
        var database = new ParleyDatabase(parley.ConnectionString, parley.OnPostgres);
        var target = new Uri(parley.BaseAddress, "/webhooks/messenger");
        var results = new List<InboundResult>();
        var stopped = false;
        try
        {
            if (options.ProcessWarmupSeconds > 0)
            {
                // Customers of a phase of their own (their ids and mids are the phase's), not counted in any result.
                var first = new WebhookLoad(PageId, AppSecret, loads.Count, options.Batches[0], SocialOptions.ProcessWarmupSenders, options.Customers);
                var warmed = await first.RunAsync(http, target, TimeSpan.Zero, TimeSpan.FromSeconds(options.ProcessWarmupSeconds), new CpuProbe(() => parley.CpuTime));
                var caughtUp = await database.JournalDrainAsync(TimeSpan.FromMinutes(10)) + await database.DrainAsync(TimeSpan.FromMinutes(5));
                Log($"Processing warmed up: {warmed.AcceptedMessages} messages from {SocialOptions.ProcessWarmupSenders} senders in {options.ProcessWarmupSeconds} s, stored {caughtUp.TotalSeconds:F1} s after");
            }

            for (var i = 0; i < loads.Count; i++)
            {
                var load = loads[i];
                Log($"Parley: signed Messenger webhooks, {load.Batch} message(s) per POST, {options.Senders} senders, {options.Customers} customers");
                var run = await load.RunAsync(http, target, warmup, duration, new CpuProbe(() => parley.CpuTime));
                Log($"  {run.MessagesPerSecond:F0} msg/s ({run.PostsPerSecond:F0} POST/s), p99 {run.P99Ms:F1} ms; {run.AcceptedMessages} accepted in all"
                    + (run.RefusedPosts + run.UnansweredPosts > 0 ? $"; refused {run.Statuses}, unanswered {run.UnansweredPosts}" : string.Empty));
                if (options.LoadOnly)
                {
                    results.Add(new InboundResult(load.Batch, baselines[i], run, 0, TimeSpan.Zero, TimeSpan.Zero, warmup + duration) { Checked = false });
                    continue;
                }

                // Answered webhooks are journaled; their messages are stored from the journal in the background.
                // A warm run accepts millions of messages: the catch-up is given at least 1,000 stored per second.
                var journal = await database.JournalDrainAsync(TimeSpan.FromSeconds(Math.Max(600, run.AcceptedMessages / 1000)));
                var drained = journal + await database.DrainAsync(TimeSpan.FromMinutes(5));
                var stored = await database.StoredAsync(load.MidPrefix);
                Log($"  stored {stored} (accepted {run.AcceptedMessages}); the journal emptied {journal.TotalSeconds:F1} s after the load, processing and bot replies caught up after {drained.TotalSeconds:F1} s");
                results.Add(new InboundResult(load.Batch, baselines[i], run, stored, journal, drained, warmup + duration));
            }

            if (options.LoadOnly)
            {
                // Not caught up: stopped, so that its catch-up does not take the baseline's CPU.
                await parley.DisposeAsync();
                stopped = true;
            }

            // The baseline again, with Parley idle (or stopped): the share is taken against both.
            await using var noop = await NoOpServer.StartAsync();
            for (var i = 0; i < loads.Count; i++)
            {
                Log($"Baseline again: no-op webhook endpoint, {loads[i].Batch} message(s) per POST, {options.Senders} senders");
                var after = await loads[i].RunAsync(http, noop.WebhookAddress, warmup, duration, new CpuProbe(null));
                Log($"  {after.MessagesPerSecond:F0} msg/s ({after.PostsPerSecond:F0} POST/s), p99 {after.P99Ms:F1} ms");
                results[i] = results[i] with { BaselineAfter = after };
            }
        }
        finally
        {
            if (!stopped)
            {
                await parley.DisposeAsync();
            }

            await parley.DeleteDataAsync();
        }

        return results;
    }

    /// <summary>Parley's settings for the bench: one Messenger connection of the demo account, its Graph API the stand-in.</summary>
    public static string[] Settings(GraphStandIn graph) =>
    [
        $"--Channels:Meta:GraphApiUrl={graph.BaseUrl}",
        "--Channels:Connections:0:Kind=Messenger",
        "--Channels:Connections:0:Account=La Posta",
        "--Channels:Connections:0:Name=Bench page",
        $"--Channels:Connections:0:ExternalId={PageId}",
        "--Channels:Connections:0:AccessToken=bench-access-token",
        $"--Channels:Connections:0:AppSecret={AppSecret}",
        "--Channels:Connections:0:VerifyToken=bench-verify-token",
        "--Channels:Connections:0:RatePerSecond=1000",
    ];

    public static IEnumerable<string> Report(IReadOnlyList<InboundResult> results, SocialOptions options)
    {
        yield return $"Inbound: signed Messenger webhooks, closed loop of {options.Senders} senders, {options.Customers} customers per phase, {options.DurationSeconds} s measured after {options.WarmupSeconds} s warm-up"
            + (options.ProcessWarmupSeconds > 0 ? $", Parley's processing warmed up first ({options.ProcessWarmupSeconds} s from {SocialOptions.ProcessWarmupSenders} senders, stored before the phases)" : string.Empty)
            + $"; Parley on {options.Database}.";
        yield return "";
        yield return "| messages per POST | baseline msg/s, before / after Parley (POST/s) | Parley msg/s (POST/s) | share of their mean | Parley p50 / p99 ms | server CPU | generator CPU | other CPU | accepted (200) in all | stored | durable | journal emptied after | stored msg/s, load + catch-up |";
        yield return "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |";
        foreach (var r in results)
        {
            var p = r.Parley;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {r.Batch} | {r.Baseline.MessagesPerSecond:F0} / {r.BaselineAfter?.MessagesPerSecond:F0} ({r.Baseline.PostsPerSecond:F0} / {r.BaselineAfter?.PostsPerSecond:F0}) | {p.MessagesPerSecond:F0} ({p.PostsPerSecond:F0}) | {r.Share:P1} | {p.P50Ms:F1} / {p.P99Ms:F1} | {p.ServerCores:F2} | {p.GeneratorCores:F2} | {p.OtherCores:F2} | {p.AcceptedMessages} | {(r.Checked ? r.Stored : "not counted")} | {Durability(r)} | {(r.Checked ? $"{r.JournalDrained.TotalSeconds:F1} s" : "–")} | {(r.Checked ? r.StoredPerSecond.ToString("F0", CultureInfo.InvariantCulture) : "–")} |");
        }

        yield return "";
        foreach (var r in results)
        {
            yield return $"- goal, {r.Batch} per POST: accepted msg/s ≥ 30 % of the baseline: {r.Share:P1} → {Verdict(r.Share >= 0.30)}; every 200 stored exactly: "
                + (r.Checked ? $"{Verdict(r.Durable)} (caught up {r.Drained.TotalSeconds:F1} s after the load)" : "not checked (--load-only)");
        }
    }

    private static string Durability(InboundResult r) =>
        !r.Checked ? "not checked"
        : r.Durable ? "yes"
        : $"NO (refused: {r.Parley.Statuses}; unanswered {r.Parley.UnansweredPosts})";

    public static string Verdict(bool met) => met ? "MET" : "MISSED";

    private static void Log(string line) => BenchLog.Write(line);
}
