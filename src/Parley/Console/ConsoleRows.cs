using System.Collections.Concurrent;
using System.Globalization;
using Parley.Identity;

namespace Parley.Console;

/// <summary>
/// Fresh rows of the conversations a batch of events named, read once for every console of the node that shows the same
/// query. Consoles of the same accounts and filter (most of a team shows its accounts' default view) ask at about the same
/// time, since the hub hands each of them the same events: the first asker starts a read, the others join the next one,
/// which starts when the current one ends. A console therefore never gets a read that started before it asked (before its
/// event arrived), and a change costs about two reads per distinct query, not one per console.
/// </summary>
public sealed class ConsoleRows(ConsoleQueries queries)
{
    private readonly ConcurrentDictionary<string, SharedRead> _reads = new();

    /// <summary>The rows of <paramref name="ids"/> that pass <paramref name="filter"/> for <paramref name="advisor"/>, by id.</summary>
    public async Task<IReadOnlyDictionary<long, ConversationRow>> ReadAsync(
        AdvisorSession advisor, ConversationFilter filter, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<long, ConversationRow>();
        }

        var key = Key(advisor, filter);
        var read = _reads.GetOrAdd(key, k => new SharedRead(k, advisor, filter, this));
        var rows = await read.JoinAsync(ids).WaitAsync(ct);
        var asked = ids.ToHashSet();
        return rows.Where(r => asked.Contains(r.Id)).ToDictionary(r => r.Id, r => ForAdvisor(r, advisor));
    }

    /// <summary>What one advisor sees of a shared row: the unread count is the assignee's alone (as <see cref="ConsoleQueries.PageAsync"/>).</summary>
    public static ConversationRow ForAdvisor(ConversationRow row, AdvisorSession advisor) =>
        row with { Unread = row.AssigneeId == advisor.Id ? Math.Max(0, row.Unread) : 0 };

    /// <summary>
    /// Consoles share a read when its answer is the same for all of them: the same accounts, the same filter, and the same
    /// advisor when the filter speaks of "me" (<see cref="ConsoleList.Filter"/>). Names of queues and advisors come from the
    /// advisor's accounts, which are in the key.
    /// </summary>
    internal static string Key(AdvisorSession advisor, ConversationFilter filter)
    {
        var personal = filter.Assignment is AssignmentFilter.Me or AssignmentFilter.Colleague || filter.UnreadOnly;
        var accounts = string.Join(",", advisor.AccountIds.Order().Select(a => a.ToString(CultureInfo.InvariantCulture)));
        return $"{accounts}|{(personal ? advisor.Id.ToString(CultureInfo.InvariantCulture) : "")}|{ConsoleUrl.Format(filter)}";
    }

    /// <summary>
    /// The list after a patch: <paramref name="asked"/> leave it, and each fresh row comes back at its place in the list's
    /// order (newest activity, then highest id). Only the loaded part of the list is kept: when more pages follow
    /// (<paramref name="next"/>), a row that now sorts after the last loaded one is left to "Load more".
    /// </summary>
    public static IReadOnlyList<ConversationRow> Patch(
        IReadOnlyList<ConversationRow> shown, ListCursor? next, IReadOnlyCollection<long> asked, IReadOnlyDictionary<long, ConversationRow> fresh)
    {
        var gone = asked.ToHashSet();
        var kept = shown.Where(r => !gone.Contains(r.Id));
        var arriving = fresh.Values.Where(r => gone.Contains(r.Id) && (next is null || !After(r, next)));
        return kept.Concat(arriving).OrderByDescending(r => r.UpdatedAt).ThenByDescending(r => r.Id).ToList();
    }

    private static bool After(ConversationRow row, ListCursor cursor) =>
        row.UpdatedAt < cursor.At || (row.UpdatedAt == cursor.At && row.Id < cursor.Id);

    /// <summary>One query's reads, one at a time: the askers that arrive while a read runs wait for the next.</summary>
    private sealed class SharedRead(string key, AdvisorSession advisor, ConversationFilter filter, ConsoleRows owner)
    {
        private readonly Lock _lock = new();
        private HashSet<long> _ids = [];
        private TaskCompletionSource<IReadOnlyList<ConversationRow>> _next = NewRound();
        private bool _running;

        public Task<IReadOnlyList<ConversationRow>> JoinAsync(IReadOnlyCollection<long> ids)
        {
            lock (_lock)
            {
                _ids.UnionWith(ids);
                var round = _next.Task;
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(RunAsync);
                }

                return round;
            }
        }

        private async Task RunAsync()
        {
            while (true)
            {
                HashSet<long> ids;
                TaskCompletionSource<IReadOnlyList<ConversationRow>> round;
                lock (_lock)
                {
                    if (_ids.Count == 0)
                    {
                        // Idle: leave the map so a node keeps no trace of past queries. A console still holding this
                        // instance starts it again; the map's next instance then runs beside it, which is only less shared.
                        _running = false;
                        owner._reads.TryRemove(new KeyValuePair<string, SharedRead>(key, this));
                        return;
                    }

                    (ids, _ids) = (_ids, []);
                    (round, _next) = (_next, NewRound());
                }

                try
                {
                    round.SetResult(await owner.ReadNowAsync(advisor, filter, ids));
                }
                catch (Exception e)
                {
                    round.SetException(e);
                }
            }
        }

        private static TaskCompletionSource<IReadOnlyList<ConversationRow>> NewRound() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private Task<IReadOnlyList<ConversationRow>> ReadNowAsync(AdvisorSession advisor, ConversationFilter filter, IReadOnlyCollection<long> ids) =>
        queries.RowsAsync(advisor, filter, ids, CancellationToken.None);
}
