using System.Diagnostics;
using System.Globalization;
using Parley.Channels.Delivery;

namespace Parley.Bench;

/// <summary>Per connection: its sends in the steady window, as a rate.</summary>
internal sealed record ConnectionRate(string PageId, double Rate);

/// <summary>
/// What the Send API stand-in saw of the outbound phase. The steady window runs from 2 s after the answers were let go
/// to 1 s before the first conversation ran out of messages: every conversation is sending all through it.
/// </summary>
internal sealed record OutboundResult(
    int Expected,
    int Seen,
    long SentInDatabase,
    double WholeSeconds,
    double WholeRate,
    double WindowSeconds,
    double WindowRate,
    IReadOnlyList<ConnectionRate> Connections,
    int ConversationsOutOfOrder,
    int Duplicates,
    int Missing,
    double GapWithinMs,
    double GapWithinP99Ms,
    double GapAtLeaseMs,
    double GapAtLeaseP99Ms,
    double Cores,
    double OtherCores)
{
    /// <summary>The same-run baseline: sequential loops straight to the stand-in, nothing of Parley in the way.</summary>
    public OutboundBaselineRun? Baseline { get; init; }

    /// <summary>The HTTP requests the stand-in answered in the outbound round (a Graph batch is one, whatever it carries).</summary>
    public int Requests { get; init; }

    /// <summary>The process's thread-pool minimum while Parley ran in it (the host's own, when its runtime config sets one).</summary>
    public int MinThreads { get; init; }

    public static OutboundResult From(
        SocialOptions options, List<SendCall> sends, long opened, HashSet<string> pages, int conversations, int perConversation,
        long sentInDatabase, double cores, double otherCores)
    {
        var ours = sends.Where(s => pages.Contains(s.PageId)).ToList();
        double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
        var whole = ours.Count == 0 ? 0 : Seconds(ours[^1].ArrivedAt - opened);
        var byConversation = ours.GroupBy(s => s.RecipientId).ToList();

        // Order and exactly-once: each conversation's numbers arrive as 0, 1, 2, … with none twice and none left out.
        var outOfOrder = 0;
        var duplicates = 0;
        var missing = (conversations - byConversation.Count) * perConversation;
        var within = new List<double>();
        var atLease = new List<double>();
        var lease = options.PerConversation ?? new DeliveryOptions().PerConversation;
        foreach (var conversation in byConversation)
        {
            var numbers = conversation.Select(s => int.Parse(s.Text.AsSpan(0, s.Text.IndexOf(':', StringComparison.Ordinal)), CultureInfo.InvariantCulture)).ToList();
            outOfOrder += numbers.Zip(numbers.Skip(1)).Any(p => p.Second <= p.First) ? 1 : 0;
            duplicates += numbers.Count - numbers.Distinct().Count();
            missing += perConversation - numbers.Distinct().Count();
            var arrivals = conversation.ToList();
            for (var i = 1; i < arrivals.Count; i++)
            {
                if (arrivals[i - 1].ArrivedAt < opened)
                {
                    continue; // held by the stand-in while the bench wrote
                }

                var gap = Seconds(arrivals[i].ArrivedAt - arrivals[i - 1].ArrivedAt) * 1000;
                (numbers[i] % lease == 0 ? atLease : within).Add(gap);
            }
        }

        var start = opened + (2 * Stopwatch.Frequency);
        var end = byConversation.Count == 0 ? start : byConversation.Min(c => c.Max(s => s.ArrivedAt)) - Stopwatch.Frequency;
        var window = Seconds(end - start);
        var inWindow = ours.Where(s => s.ArrivedAt >= start && s.ArrivedAt < end).ToList();
        var rates = window <= 0 ? [] : inWindow.GroupBy(s => s.PageId).OrderBy(g => g.Key).Select(g => new ConnectionRate(g.Key, g.Count() / window)).ToList();
        return new OutboundResult(conversations * perConversation, ours.Count, sentInDatabase, whole, whole > 0 ? ours.Count / whole : 0,
            window, window > 0 ? inWindow.Count / window : 0, rates, outOfOrder, duplicates, missing,
            Mean(within), Percentile(within, 99), Mean(atLease), Percentile(atLease, 99), cores, otherCores);
    }

    public IEnumerable<string> Report(SocialOptions options)
    {
        var sendBatch = options.SendBatch ?? new Parley.Channels.MetaOptions().SendBatch;
        var bound = options.Conversations * sendBatch * 1000.0 / options.LatencyMs;
        var configured = options.Connections * options.Rate;
        var worst = Connections.Count == 0 ? double.NaN : Connections.Max(c => Math.Abs(c.Rate - options.Rate) / options.Rate);
        var perConversation = options.PerConversation?.ToString(CultureInfo.InvariantCulture) ?? $"{new DeliveryOptions().PerConversation} (default)";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Outbound: {options.Conversations} conversations on {options.Connections} Messenger connections at {options.Rate}/s each, Send API stand-in answering in {options.LatencyMs} ms, Channels:Delivery:PerConversation {perConversation}, Channels:Meta:SendBatch {sendBatch}, LeaseSpacing {(options.LeaseSpacingMs is { } ms ? $"{ms} ms" : "default")}; Parley on {options.Database}, in the generator's process (thread-pool minimum {MinThreads}).");
        yield return string.Create(CultureInfo.InvariantCulture,
            $"Bounds: sequential calls per conversation, each of up to {sendBatch} messages → {bound:F0} msg/s; connections' configured rates → {configured:F0} msg/s.");
        yield return "";
        yield return "| figure | value |";
        yield return "| --- | ---: |";
        yield return string.Create(CultureInfo.InvariantCulture, $"| messages written / seen by the stand-in / marked sent in the database | {Expected} / {Seen} / {SentInDatabase} |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| whole run, from letting the answers go to the last arrival | {WholeRate:F0} msg/s over {WholeSeconds:F1} s |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| HTTP requests for them (a Graph batch counts one) | {Requests} ({(Requests == 0 ? 0 : (double)Seen / Requests):F2} messages each) |");
        if (Baseline is { } baseline)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| same-run baseline: {options.Conversations} loops calling the stand-in back to back, no Parley | {baseline.Rate:F0} msg/s, gap {baseline.GapMs:F1} ms (p99 {baseline.GapP99Ms:F1}), CPU {baseline.Cores:F2} / other {baseline.OtherCores:F2} cores |");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"| steady window (every conversation sending) | **{WindowRate:F0} msg/s** over {WindowSeconds:F1} s ({WindowRate / bound:P1} of the bound{(Baseline is { } b ? $", {WindowRate / b.Rate:P1} of the baseline" : "")}) |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| per connection in the steady window, min – max | {(Connections.Count == 0 ? 0 : Connections.Min(c => c.Rate)):F1} – {(Connections.Count == 0 ? 0 : Connections.Max(c => c.Rate)):F1} msg/s (configured {options.Rate}; worst deviation {worst:P1}) |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| gap between a conversation's sends, same lease: mean / p99 | {GapWithinMs:F1} / {GapWithinP99Ms:F1} ms |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| gap at a new lease (every {perConversation}th message): mean / p99 | {GapAtLeaseMs:F1} / {GapAtLeaseP99Ms:F1} ms |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| conversations out of order / duplicates / missing | {ConversationsOutOfOrder} / {Duplicates} / {Missing} |");
        yield return string.Create(CultureInfo.InvariantCulture, $"| CPU of the process (Parley + stand-in + bench) / rest of the machine | {Cores:F2} / {OtherCores:F2} cores |");
        yield return "";
        yield return $"- goal: ≥ 2,000 msg/s sent (steady window): {WindowRate:F0} → {SocialInbound.Verdict(WindowRate >= 2000)}";
        yield return $"- goal: each connection's rate within 5 % of its configured {options.Rate}/s: worst {worst:P1} → {SocialInbound.Verdict(worst <= 0.05)}";
        yield return $"- goal: per-conversation order kept, each message once: {SocialInbound.Verdict(ConversationsOutOfOrder == 0 && Duplicates == 0 && Missing == 0 && SentInDatabase == Expected)}";
    }

    private static double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p / 100 * values.Count) - 1, 0, values.Count - 1)];
    }
}
