using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parley.Channels;
using Parley.Console;
using Parley.Identity;

namespace Parley.Bench;

/// <summary>One list call of the bench: who asks, with which filter, from which page.</summary>
internal sealed record ListQuery(string Name, AdvisorSession Advisor, ConversationFilter Filter, int Page = 1);

/// <summary>What one list call measured.</summary>
internal sealed record ListFigure(ListQuery Query, int Rows, int Calls, double P50Ms, double P99Ms);

/// <summary>The console list calls the bench times (every filter alone, combinations, pages, searches) and how.</summary>
internal static class ConsoleListQueries
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>An advisor of one account, a supervisor of three, an admin of all ten.</summary>
    public static IReadOnlyList<AdvisorSession> Advisors() =>
    [
        Session(ConsoleListData.AdvisorOf(1, 0)),
        Session(ConsoleListData.Admins + 1),
        Session(1),
    ];

    public static IEnumerable<ListQuery> For(AdvisorSession advisor, ConsoleListData data)
    {
        var account = advisor.AccountIds.Min();
        var all = new ConversationFilter { Status = StatusFilter.All };
        var rows = new List<(string, ConversationFilter, int)>
        {
            ("default (open)", new ConversationFilter(), 1),
            ("status all", all, 1),
            ("status resolved", new ConversationFilter { Status = StatusFilter.Resolved }, 1),
            ("status with bot", new ConversationFilter { Status = StatusFilter.WithBot }, 1),
            ("status queued", new ConversationFilter { Status = StatusFilter.Queued }, 1),
            ("status assigned", new ConversationFilter { Status = StatusFilter.Assigned }, 1),
            ("status waiting for customer", new ConversationFilter { Status = StatusFilter.WaitingForCustomer }, 1),
            ("status snoozed", new ConversationFilter { Status = StatusFilter.Snoozed }, 1),
            ("account", new ConversationFilter { Accounts = [account] }, 1),
            ("channel WhatsApp", new ConversationFilter { Channels = [ChannelKind.WhatsApp] }, 1),
            ("queue", new ConversationFilter { Queues = [ConsoleListData.QueueId((int)account, 0)] }, 1),
            ("assigned to me", new ConversationFilter { Assignment = AssignmentFilter.Me }, 1),
            ("assigned to a colleague", new ConversationFilter { Assignment = AssignmentFilter.Colleague }, 1),
            ("assigned to one advisor", new ConversationFilter { Assignment = AssignmentFilter.Advisor, AssigneeId = ConsoleListData.AdvisorOf((int)account, 1) }, 1),
            ("unassigned", new ConversationFilter { Assignment = AssignmentFilter.Unassigned }, 1),
            ("waiting > 10 min", new ConversationFilter { WaitingMinutes = 10 }, 1),
            ("unread", new ConversationFilter { UnreadOnly = true }, 1),
            ("public", new ConversationFilter { Visibility = VisibilityFilter.Public }, 1),
            ("private", new ConversationFilter { Visibility = VisibilityFilter.Private }, 1),
            ("tone negative", new ConversationFilter { Sentiment = Tone.Negative }, 1),
            ("tone neutral", new ConversationFilter { Sentiment = Tone.Neutral }, 1),
            ("tag", new ConversationFilter { Tags = ["refund"] }, 1),
            ("two tags", new ConversationFilter { Tags = ["refund", "vip"] }, 1),
            ("all + tag", all with { Tags = ["complaint"] }, 1),
            ("all + assigned to me", all with { Assignment = AssignmentFilter.Me }, 1),
            ("all + public + tag", all with { Visibility = VisibilityFilter.Public, Tags = ["fraud"] }, 1),
            ("queued + queue + unassigned", new ConversationFilter
            {
                Status = StatusFilter.Queued, Queues = [ConsoleListData.QueueId((int)account, 1)], Assignment = AssignmentFilter.Unassigned,
            }, 1),
            ("WhatsApp + waiting > 10 min", new ConversationFilter { Channels = [ChannelKind.WhatsApp], WaitingMinutes = 10 }, 1),
            ("tag + public", new ConversationFilter { Tags = ["complaint"], Visibility = VisibilityFilter.Public }, 1),
            ("me + unread", new ConversationFilter { Assignment = AssignmentFilter.Me, UnreadOnly = true }, 1),
            ("resolved + Messenger + negative", new ConversationFilter { Status = StatusFilter.Resolved, Channels = [ChannelKind.Messenger], Sentiment = Tone.Negative }, 1),
            ("page 2 (open)", new ConversationFilter(), 2),
            ("page 2 (all)", all, 2),
            ("page 100 (all)", all, 100),
            ("search rare word (all)", all with { Search = data.RareWord }, 1),
            ("search common word (all)", all with { Search = ConsoleListData.CommonWord }, 1),
            ("search common word (open)", new ConversationFilter { Search = ConsoleListData.CommonWord }, 1),
            ("search tracking number (all)", all with { Search = ConsoleListData.TrackingNumber(12_345) }, 1),
            ("search contact name (all)", all with { Search = "Giulia Rossi" }, 1),
            ("search common word + WhatsApp + resolved", new ConversationFilter
            {
                Status = StatusFilter.Resolved, Channels = [ChannelKind.WhatsApp], Search = ConsoleListData.CommonWord,
            }, 1),
            ("search rare word + queued", new ConversationFilter { Status = StatusFilter.Queued, Search = data.RareWord }, 1),
        };
        return rows.Select(r => new ListQuery(r.Item1, advisor, r.Item2, r.Item3));
    }

    /// <summary>Warms a query up, then times up to <paramref name="calls"/> calls of it (at most 20 s of them).</summary>
    public static async Task<ListFigure> MeasureAsync(ConsoleQueries queries, ListQuery query, int calls)
    {
        var after = await CursorAsync(queries, query);
        var page = await queries.PageAsync(query.Advisor, query.Filter, after, ConsoleList.PageSize, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await queries.PageAsync(query.Advisor, query.Filter, after, ConsoleList.PageSize, CancellationToken.None);
        }

        var latencies = new Latencies();
        var budget = Stopwatch.StartNew();
        while (latencies.Count < calls && budget.Elapsed < Budget)
        {
            var start = Stopwatch.GetTimestamp();
            await queries.PageAsync(query.Advisor, query.Filter, after, ConsoleList.PageSize, CancellationToken.None);
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }

        return new ListFigure(query, page.Rows.Count, latencies.Count, latencies.Percentile(50), latencies.Percentile(99));
    }

    public static string Markdown(IReadOnlyList<ListFigure> figures)
    {
        var text = new StringBuilder();
        text.AppendLine("| query | advisor | rows | calls | p50 ms | p99 ms |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var f in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Query.Name} | {Who(f.Query.Advisor)} | {f.Rows} | {f.Calls} | {f.P50Ms:F1} | {f.P99Ms:F1} |");
        }

        var worst = figures.MaxBy(f => f.P99Ms)!;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Worst p99: {worst.P99Ms:F1} ms ({worst.Query.Name}, {Who(worst.Query.Advisor)}); goal < 50 ms → {(worst.P99Ms < 50 ? "PASS" : "FAIL")}");
        return text.ToString();
    }

    public static string Who(AdvisorSession advisor) => $"{advisor.Role.ToString().ToLowerInvariant()} ({advisor.AccountIds.Count} account{(advisor.AccountIds.Count == 1 ? "" : "s")})";

    /// <summary>The cursor of the query's page, walked to from the top (null for the first page).</summary>
    private static async Task<ListCursor?> CursorAsync(ConsoleQueries queries, ListQuery query)
    {
        ListCursor? after = null;
        for (var page = 1; page < query.Page; page++)
        {
            after = (await queries.PageAsync(query.Advisor, query.Filter, after, ConsoleList.PageSize, CancellationToken.None)).Next;
        }

        return after;
    }

    private static AdvisorSession Session(long id) =>
        new(id, $"Advisor {id}", ConsoleListData.RoleOf((int)id), ConsoleListData.AccountsOf((int)id).ToHashSet());
}
