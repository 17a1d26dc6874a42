using Parley.Conversations;
using Parley.Identity;

namespace Parley.Console;

/// <summary>
/// The conversation list of one console, kept live. A filter change reads the first page, "Load more" the next; events
/// then patch the rows they name (<see cref="ConsoleRows"/>: one shared read of those conversations with the list's
/// filter), so a change costs its own rows, not a page per console. The whole list is read again, as a safety net, when a
/// batch names more than <see cref="MostPatched"/> conversations, when the feed may have dropped events
/// (<see cref="FeedOverflowed"/>), or when a load ran meanwhile. The console page and the live consoles bench both use it;
/// one caller at a time (a circuit's dispatcher).
/// </summary>
public sealed class LiveList(ConsoleQueries queries, ConsoleRows shared, AdvisorSession advisor)
{
    public const int MostPatched = 20;

    /// <summary>Loads can overlap (an event during a filter change): each load takes a number, only the latest one is shown.</summary>
    private int _generation;
    private int _loading;

    public ConversationFilter Filter { get; private set; } = new();

    public IReadOnlyList<ConversationRow> Rows { get; private set; } = [];

    /// <summary>Where the next page starts; null when every row is loaded.</summary>
    public ListCursor? Next { get; private set; }

    /// <summary>The advisor's unread messages in the rows shown (the page's title).</summary>
    public long Unread { get; private set; }

    /// <summary>Whether an event changes what a row shows (activity, status, assignee, tags, the advisor's read mark).</summary>
    public static bool ChangesRows(ConversationEvent e) =>
        e is MessageAdded or MessageChanged or ConversationChanged or TagsChanged or ReadUpTo { Reader: AuthorKind.Advisor };

    public Task LoadAsync(ConversationFilter filter)
    {
        Filter = filter;
        return ReloadAsync(ConsoleList.PageSize);
    }

    public async Task LoadMoreAsync()
    {
        if (Next is not { } after)
        {
            return;
        }

        var generation = ++_generation;
        var page = await LoadingAsync(() => queries.PageAsync(advisor, Filter, after, ConsoleList.PageSize, default));
        if (generation == _generation)
        {
            var shown = Rows.Select(r => r.Id).ToHashSet();
            Show([.. Rows, .. page.Rows.Where(r => !shown.Contains(r.Id))], page.Next);
        }
    }

    /// <summary>Brings the rows up to date with a batch of events; false when none of them concerns the list.</summary>
    public async Task<bool> ApplyAsync(IReadOnlyList<ConversationEvent> events)
    {
        if (_generation == 0)
        {
            // Not loaded yet: the first load starts after these events arrived (the feed listens first), so it has them.
            return false;
        }

        var ids = events.Where(ChangesRows).Select(e => e.ConversationId).Where(id => id != 0).Distinct().ToList();
        if (events.Any(e => e is FeedOverflowed) || ids.Count > MostPatched || (ids.Count > 0 && _loading > 0))
        {
            // The rows shown so far, read again (a load in flight may have read before these events' changes).
            await ReloadAsync(Math.Max(ConsoleList.PageSize, Rows.Count));
            return true;
        }

        if (ids.Count == 0)
        {
            return false;
        }

        var generation = _generation;
        var fresh = await shared.ReadAsync(advisor, Filter, ids, default);
        if (generation != _generation)
        {
            // A filter change or "Load more" replaced the rows this patch was read for.
            await ReloadAsync(Math.Max(ConsoleList.PageSize, Rows.Count));
            return true;
        }

        Show(ConsoleRows.Patch(Rows, Next, ids, fresh), Next);
        return true;
    }

    private async Task ReloadAsync(int limit)
    {
        var generation = ++_generation;
        var page = await LoadingAsync(() => queries.PageAsync(advisor, Filter, null, limit, default));
        if (generation == _generation)
        {
            Show(page.Rows, page.Next);
        }
    }

    private async Task<ConversationPage> LoadingAsync(Func<Task<ConversationPage>> load)
    {
        _loading++;
        try
        {
            return await load();
        }
        finally
        {
            _loading--;
        }
    }

    private void Show(IReadOnlyList<ConversationRow> rows, ListCursor? next)
    {
        Rows = rows;
        Next = next;
        Unread = rows.Sum(r => r.Unread);
    }
}
