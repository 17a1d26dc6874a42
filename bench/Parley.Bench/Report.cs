using System.Globalization;
using System.Text;

namespace Parley.Bench;

/// <summary>The figures as a Markdown table, their ratios to the same-run baseline, and the goals.</summary>
internal static class Report
{
    public const double AcceptedGoal = 0.25;
    public const double BotP99GoalMs = 50;
    public const int BotGoalRate = 500;

    public static string Markdown(IReadOnlyList<Outcome> outcomes, BenchOptions options, TimeSpan backlog)
    {
        var baseline = outcomes[0];
        var text = new StringBuilder();
        Line(text, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; Parley on {options.Database}; {options.DurationSeconds} s per phase ({options.WarmupSeconds} s warm-up for the closed loops).");
        Line(text, $"CPU is in cores busy (1.00 = one core); the baseline server runs inside the generator, so its CPU is in the generator's column; 'other' is the rest of the machine (noise).");
        Line(text, $"");
        Line(text, $"| scenario | load | rate | vs baseline | p50 ms | p99 ms | server CPU | generator CPU | other CPU | notes |");
        Line(text, $"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var o in outcomes)
        {
            var ratio = o.RateUnit is "req/s" or "msg/s" ? (o.Rate / baseline.Rate).ToString("P1", CultureInfo.InvariantCulture) : "–";
            var server = o.ServerCores is { } cores ? $"{cores:F2}" : "(in generator)";
            Line(text, $"| {o.Scenario} | {o.Load} | {o.Rate:F0} {o.RateUnit} | {ratio} | {o.P50Ms:F1} | {o.P99Ms:F1} | {server} | {o.GeneratorCores:F2} | {o.OtherCores:F2} | {o.Notes} |");
        }

        Line(text, $"");
        Line(text, $"Inbound processor backlog left by the closed loop drained in {backlog.TotalSeconds:F1} s (the closed loop measures acceptance, not processing).");
        Line(text, $"");
        Line(text, $"Goals:");
        var accepted = outcomes.FirstOrDefault(o => o.RateUnit == "msg/s");
        if (accepted is not null)
        {
            var ratio = accepted.Rate / baseline.Rate;
            Line(text, $"- accepted msg/s ≥ {AcceptedGoal:P0} of baseline: {accepted.Rate:F0} / {baseline.Rate:F0} = {ratio:P1} → {Verdict(ratio >= AcceptedGoal)}");
        }

        var bot = outcomes.FirstOrDefault(o => o.Scenario.Contains($" {BotGoalRate} msg/s", StringComparison.Ordinal));
        if (bot is null)
        {
            Line(text, $"- bot-reply p99 ≤ {BotP99GoalMs} ms at {BotGoalRate} msg/s: not measured (add {BotGoalRate} to --rates)");
        }
        else
        {
            var met = bot.P99Ms <= BotP99GoalMs && bot.Rate >= BotGoalRate * 0.95;
            Line(text, $"- bot-reply p99 ≤ {BotP99GoalMs} ms at {BotGoalRate} msg/s: p99 {bot.P99Ms:F1} ms at {bot.Rate:F0} replies/s achieved → {Verdict(met)}");
        }
        return text.ToString();
    }

    private static string Verdict(bool met) => met ? "PASS" : "FAIL";

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
