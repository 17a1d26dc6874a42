using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Analytics;

/// <summary>One side's figures over a period: volumes and how fast humans first answered.</summary>
/// <param name="Opened">Conversations opened (public: threads under posts).</param>
/// <param name="HandedOff">Handoffs to a queue (a public thread's every routing counts, reopenings included).</param>
/// <param name="BotAnswered">Public threads the bot answered by itself (always 0 for private conversations).</param>
/// <param name="FirstHumanReplies">Conversations an advisor first answered in the period.</param>
/// <param name="AverageFirstReplySeconds">Their mean wait from the queue (or the opening) to that answer; null without any.</param>
public sealed record SideKpis(int Opened, int HandedOff, int BotAnswered, int FirstHumanReplies, double? AverageFirstReplySeconds, double? MaxFirstReplySeconds);

/// <summary>An account's public and private conversations side by side, and why public ones went to humans (the rules that fired).</summary>
public sealed record PublicPrivateSplit(SideKpis Public, SideKpis Private, IReadOnlyDictionary<string, int> PublicHandoffReasons);

/// <summary>
/// The public/private split of an account's KPIs over a period, from the reporting events (each carries
/// <see cref="ReportingEvent.IsPublic"/>): one grouped query for the figures, one for the public handoffs' reasons.
/// </summary>
public sealed class PublicPrivateKpis(IDbContextFactory<ParleyDb> dbs)
{
    private static readonly string[] Counted =
        [ReportingEventNames.ConversationOpened, ReportingEventNames.HandedOff, ReportingEventNames.PublicAutoReply, ReportingEventNames.FirstHumanReply];

    /// <param name="from">Inclusive, UTC.</param>
    /// <param name="to">Exclusive, UTC.</param>
    public async Task<PublicPrivateSplit> SplitAsync(long accountId, DateTime from, DateTime to, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var inPeriod = db.ReportingEvents.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.OccurredAt >= from && e.OccurredAt < to && Counted.Contains(e.Name));
        var rows = await inPeriod
            .GroupBy(e => new { e.IsPublic, e.Name })
            .Select(g => new { g.Key.IsPublic, g.Key.Name, Count = g.Count(), Average = g.Average(e => e.Value), Max = g.Max(e => e.Value) })
            .ToListAsync(ct);
        var reasons = await inPeriod
            .Where(e => e.IsPublic && e.Name == ReportingEventNames.HandedOff)
            .GroupBy(e => e.Detail)
            .Select(g => new { Detail = g.Key, Count = g.Count() })
            .ToListAsync(ct);

        SideKpis Side(bool isPublic)
        {
            int Count(string name) => rows.FirstOrDefault(r => r.IsPublic == isPublic && r.Name == name)?.Count ?? 0;
            var replies = rows.FirstOrDefault(r => r.IsPublic == isPublic && r.Name == ReportingEventNames.FirstHumanReply);
            return new SideKpis(Count(ReportingEventNames.ConversationOpened), Count(ReportingEventNames.HandedOff), Count(ReportingEventNames.PublicAutoReply),
                replies?.Count ?? 0, replies?.Average, replies?.Max);
        }

        return new PublicPrivateSplit(Side(true), Side(false), reasons.ToDictionary(r => r.Detail ?? "unknown", r => r.Count));
    }
}
