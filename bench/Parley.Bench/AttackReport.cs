using System.Globalization;
using System.Text;

namespace Parley.Bench;

/// <summary>The replay's figures as Markdown, and its goals (the hardening issue's "done when") with a verdict each.</summary>
internal static class AttackReport
{
    public const long PeakMemoryGoalBytes = 400L * 1024 * 1024;
    public const long DatabaseGrowthGoalBytes = 1024 * 1024;

    /// <summary>The customer's p99 during the attack may be this many times its p99 alone…</summary>
    public const double LatencyFactorGoal = 3;

    /// <summary>…or up to this, whichever is larger (a p99 of a few ms alone would otherwise make any scheduling hiccup a failure on two shared cores).</summary>
    public const double LatencyFloorGoalMs = 50;

    private static readonly int[] Columns = [200, 302, 400, 404, 429];

    public static string Markdown(AttackResult r, out bool passed)
    {
        var text = new StringBuilder();
        var o = r.Options;
        Line(text, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; Parley (pid {r.ServerPid}) on {o.Database} with its default limits.");
        Line(text, $"Attack: {AttackLoad.Workers} workers for {r.AttackElapsed.TotalSeconds:F1} s{(r.StoppedAtCap ? $" (stopped early: the server passed the bench's {Mb(MemorySampler.CapBytes)} MB cap)" : "")}, each on its own source address (127.0.0.2 – 127.0.0.{AttackLoad.Workers + 1}), closed loop. Legitimate customer: 127.0.0.1, one message every {LegitimateCustomer.Interval.TotalMilliseconds:F0} ms.");
        Line(text, $"CPU during the attack, in cores: server {r.Cpu.Server:F2}, generator {r.Cpu.Generator:F2}, rest of the machine {r.Cpu.Others:F2}. MB = 2^20 bytes.");
        Line(text, $"");
        Line(text, $"| attack request | workers | answered | per s | 200 | 302 | 400 | 404 | 429 | other | no answer | notes |");
        Line(text, $"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (kind, tally) in r.Tallies)
        {
            var other = tally.All.Where(s => !Columns.Contains(s.Status)).ToList();
            var notes = string.Join("; ", new[]
            {
                other.Count == 0 ? null : "other: " + string.Join(", ", other.Select(s => $"{s.Status} × {s.Count:N0}")),
                kind is AttackKind.LoginKnownEmail or AttackKind.LoginUnknownEmail ? $"302 = back to the form (wrong password); signed in: {tally.SignedIn}" : null,
            }.Where(n => n is not null));
            var cells = string.Join(" | ", Columns.Select(c => tally[c].ToString("N0", CultureInfo.InvariantCulture)));
            Line(text, $"| {Describe(kind)} | {AttackLoad.WorkersOf(kind, o.AttackKinds)} | {tally.Answered:N0} | {tally.Answered / r.AttackElapsed.TotalSeconds:F0} | {cells} | {other.Sum(s => s.Count):N0} | {tally.NoAnswer:N0} | {notes} |");
        }

        Line(text, $"");
        Line(text, $"| server | before the attack | after ({AttackReplay.Quiet.TotalSeconds:F0} s quiet) | change |");
        Line(text, $"| --- | ---: | ---: | ---: |");
        Line(text, $"| resident memory (VmRSS) | {Mb(r.MemoryBefore.Rss)} MB | {Mb(r.MemoryAfter.Rss)} MB | {Mb(r.MemoryAfter.Rss - r.MemoryBefore.Rss):+0;-0} MB |");
        Line(text, $"| peak memory (VmHWM; highest 150 ms sample) | {Mb(r.MemoryBefore.Hwm)} MB | {Mb(r.MemoryAfter.Hwm)} MB ({Mb(r.PeakSampledBytes)} MB) | |");
        Line(text, $"| database (page_count × page_size, or pg_database_size) | {r.DatabaseBefore.Bytes:N0} B | {r.DatabaseAfter.Bytes:N0} B | {r.DatabaseGrowth:+#,0;-#,0;0} B |");
        if (r.DatabaseBefore.FileBytes is { } filesBefore && r.DatabaseAfter.FileBytes is { } filesAfter)
        {
            Line(text, $"| SQLite files (.db + -wal) | {filesBefore:N0} B | {filesAfter:N0} B | {filesAfter - filesBefore:+#,0;-#,0;0} B |");
        }

        Line(text, $"| contacts | {r.DatabaseBefore.Contacts:N0} | {r.DatabaseAfter.Contacts:N0} | {r.DatabaseAfter.Contacts - r.DatabaseBefore.Contacts:+#,0;-#,0;0} |");
        Line(text, $"| contact identities | {r.DatabaseBefore.Identities:N0} | {r.DatabaseAfter.Identities:N0} | {r.DatabaseAfter.Identities - r.DatabaseBefore.Identities:+#,0;-#,0;0} |");
        Line(text, $"");
        Line(text, $"| legitimate customer | messages | accepted | p50 ms | p99 ms | max ms | refused |");
        Line(text, $"| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var phase in new[] { r.Alone, r.During })
        {
            Line(text, $"| {phase.Name} | {phase.Sent} | {phase.Accepted} | {phase.Latencies.Percentile(50):F1} | {phase.Latencies.Percentile(99):F1} | {phase.Latencies.Percentile(100):F1} | {phase.RefusalText} |");
        }

        var latencyLimit = Math.Max(LatencyFactorGoal * r.Alone.Latencies.Percentile(99), LatencyFloorGoalMs);
        var duringP99 = r.During.Latencies.Percentile(99);
        var goals = new (string Goal, string Measured, bool Met)[]
        {
            ($"peak server memory < {Mb(PeakMemoryGoalBytes)} MB", $"{Mb(r.PeakBytes)} MB", r.PeakBytes < PeakMemoryGoalBytes),
            ($"database growth during the attack < {DatabaseGrowthGoalBytes:N0} B (1 MB)", $"{r.DatabaseGrowth:N0} B", r.DatabaseGrowth < DatabaseGrowthGoalBytes),
            ("every legitimate message accepted", $"{r.Alone.Accepted + r.During.Accepted} of {r.Alone.Sent + r.During.Sent}",
                r.During.Sent > 0 && r.Alone.Accepted == r.Alone.Sent && r.During.Accepted == r.During.Sent),
            ($"customer p99 during the attack ≤ max({LatencyFactorGoal:F0} × p99 alone, {LatencyFloorGoalMs:F0} ms) = {latencyLimit:F1} ms", $"{duringP99:F1} ms", duringP99 <= latencyLimit),
        };
        Line(text, $"");
        Line(text, $"| goal | measured | verdict |");
        Line(text, $"| --- | ---: | --- |");
        foreach (var g in goals)
        {
            Line(text, $"| {g.Goal} | {g.Measured} | {(g.Met ? "PASS" : "FAIL")} |");
        }

        passed = goals.All(g => g.Met);
        return text.ToString();
    }

    public static string Describe(AttackKind kind) => kind switch
    {
        AttackKind.HugeKeySession => $"POST /sessions, random {AttackLoad.SessionKeyLength / 1000} KB inbox key (1)",
        AttackKind.HugeKeyLookup => $"GET /inboxes/{{random {AttackLoad.LookupKeyLength / 1000} KB key}} (1)",
        AttackKind.GuestSessionFlood => $"POST /sessions, inbox {WidgetCustomer.InboxKey} (2)",
        AttackKind.LoginKnownEmail => $"POST /account/login, {AttackLoad.KnownEmail}, wrong password (2)",
        AttackKind.LoginUnknownEmail => "POST /account/login, unknown email (2)",
        _ => kind.ToString(),
    };

    private static long Mb(long bytes) => AttackReplay.Mb(bytes);

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
