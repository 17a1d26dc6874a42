using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>
/// Where a page of the list ends: the last row's activity time and id. The list is ordered by both, newest first, so the
/// next page starts strictly after it whatever arrives meanwhile (new conversations land before it, not in the pages).
/// </summary>
public sealed record ListCursor(DateTime At, long Id)
{
    public override string ToString() => $"{At.Ticks.ToString(CultureInfo.InvariantCulture)}.{Id.ToString(CultureInfo.InvariantCulture)}";

    public static ListCursor? Parse(string? text)
    {
        var parts = (text ?? "").Split('.');
        return parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new ListCursor(new DateTime(ticks, DateTimeKind.Utc), id)
            : null;
    }
}

/// <summary>A page of the list and the cursor of the next one (null on the last page).</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationRow> Rows, ListCursor? Next);

/// <summary>The list's rules: what each filter means, in one place, as a query on conversations.</summary>
public static class ConsoleList
{
    public const int PageSize = 50;
    public const int MaxRows = 500;

    /// <summary>A common search walks the list this many conversations at a time, and this far at most.</summary>
    public const int SearchBatch = 64;

    public const int SearchWalk = 2_000;

    /// <summary>A tag on fewer conversations than this (in the filter's accounts) drives the list (<see cref="DrivingTagAsync"/>).</summary>
    public const int RareTag = 20_000;

    /// <summary>On PostgreSQL, a filter of at most this many queues is read one page per queue, merged (<see cref="Page"/>).</summary>
    public const int MergedQueues = 16;

    /// <summary>
    /// The conversation's column (a shadow property, see ParleyDb) holding the customer's tone: the sentiment of their
    /// latest message Parley read one in, copied there by a trigger of migration 0013. Negative, neutral and positive
    /// split it at <see cref="MessageReading.ToneThreshold"/>, as a single message's tone.
    /// </summary>
    public const string CustomerSentiment = nameof(CustomerSentiment);

    /// <summary>
    /// Conversations of <paramref name="advisor"/>'s accounts that pass <paramref name="filter"/>, unordered. A customer waits
    /// for an answer in a queue since it was queued, and with an advisor since their last message (an advisor's reply
    /// moves it to waiting for the customer).
    /// </summary>
    public static IQueryable<Conversation> Filter(
        ParleyDb db, AdvisorSession advisor, ConversationFilter filter, DateTime now, string? drivingTag = null, IReadOnlyList<long>? matched = null)
    {
        var accounts = Accounts(advisor, filter);
        // With a search, the list starts from its matches (few: a common search walks instead, see ConsoleQueries) and
        // sorts them. The account as an expression keeps the database off the accounts' activity index, where it would
        // walk every conversation of the accounts for the few that match (SQLite: 150 ms → 20 ms at 100,000 conversations).
        // One account is an equality: PostgreSQL reads "account_id = ANY(…)" unordered and sorts every row it finds.
        var single = accounts.Count == 1 ? accounts[0] : 0;
        var query = (filter.Search is null, accounts.Count == 1) switch
        {
            (true, true) => db.Conversations.AsNoTracking().Where(c => c.AccountId == single),
            (true, false) => db.Conversations.AsNoTracking().Where(c => accounts.Contains(c.AccountId)),
            (false, true) => db.Conversations.AsNoTracking().Where(c => c.AccountId + 0 == single),
            (false, false) => db.Conversations.AsNoTracking().Where(c => accounts.Contains(c.AccountId + 0)),
        };
        query = filter.Status switch
        {
            StatusFilter.All => query,
            StatusFilter.Open => query.Where(c => c.Status != ConversationStatus.Resolved).Where(Snooze.IsNotSnoozed(now)),
            StatusFilter.Snoozed => query.Where(c => c.Status != ConversationStatus.Resolved).Where(Snooze.IsSnoozed(now)),
            // Constants the partial activity indexes' predicates can be matched against (SQLite matches no parameter):
            // resolved ones from ix_conversations_resolved_activity, one open status walking ix_conversations_open_activity
            // on SQLite. PostgreSQL plans with the status's value and picks its index itself (told "not resolved" too, it
            // chose the waiting line's index for "queued" and sorted: 5 → 28 ms at p50 for an admin of ten).
            StatusFilter.Resolved => query.Where(c => c.Status == ConversationStatus.Resolved),
            var one => ConversationFilter.OneStatus(one) is not { } status ? query
                : db.Database.IsNpgsql() ? query.Where(c => c.Status == status)
                : query.Where(c => c.Status == status && c.Status != ConversationStatus.Resolved),
        };
        if (filter.Channels.Count > 0)
        {
            var channels = filter.Channels.ToList();
            query = query.Where(c => channels.Contains(c.Channel));
        }

        if (filter.Queues.Count == 1)
        {
            // An equality, so that PostgreSQL can read the queue's own activity index in order (see Page).
            var queue = filter.Queues[0];
            query = query.Where(c => c.QueueId == queue);
        }
        else if (filter.Queues.Count > 1)
        {
            var queues = filter.Queues.ToList();
            query = query.Where(c => c.QueueId != null && queues.Contains(c.QueueId.Value));
        }

        var me = advisor.Id;
        query = filter.Assignment switch
        {
            AssignmentFilter.Me => query.Where(c => c.AssigneeId == me),
            AssignmentFilter.Colleague => query.Where(c => c.AssigneeId != null && c.AssigneeId != me),
            AssignmentFilter.Advisor => query.Where(c => c.AssigneeId == filter.AssigneeId),
            // Not "assignee_id IS NULL": SQLite would read every unassigned conversation through the assignee index
            // (a fifth of them all) and sort them; as an expression it walks the accounts' activity and stops after a page.
            AssignmentFilter.Unassigned => query.Where(c => (c.AssigneeId ?? 0) == 0),
            _ => query,
        };
        if (filter.WaitingMinutes is { } minutes)
        {
            var since = now.AddMinutes(-minutes);
            query = query.Where(c => (c.Status == ConversationStatus.Queued && c.QueuedAt <= since)
                || (c.Status == ConversationStatus.Assigned && c.LastCustomerMessageAt <= since));
        }

        if (filter.UnreadOnly)
        {
            query = query.Where(c => c.AssigneeId == me && c.LastSeq > c.AdvisorReadSeq);
        }

        query = filter.Visibility switch
        {
            VisibilityFilter.Public => query.Where(c => c.IsPublic),
            VisibilityFilter.Private => query.Where(c => !c.IsPublic),
            _ => query,
        };
        query = filter.Sentiment switch
        {
            Tone.Negative => query.Where(c => EF.Property<double?>(c, CustomerSentiment) < -MessageReading.ToneThreshold),
            Tone.Positive => query.Where(c => EF.Property<double?>(c, CustomerSentiment) > MessageReading.ToneThreshold),
            Tone.Neutral => query.Where(c => EF.Property<double?>(c, CustomerSentiment) >= -MessageReading.ToneThreshold
                && EF.Property<double?>(c, CustomerSentiment) <= MessageReading.ToneThreshold),
            _ => query,
        };
        foreach (var tag in filter.Tags)
        {
            if (tag == drivingTag)
            {
                // Read from the tag's index: the database starts from its few conversations and sorts them.
                var tagged = db.ConversationTags.Where(t => accounts.Contains(t.AccountId) && t.Tag == tag).Select(t => t.ConversationId);
                query = query.Where(c => tagged.Contains(c.Id));
            }
            else
            {
                query = query.Where(c => db.ConversationTags.Any(t => t.ConversationId == c.Id && t.Tag == tag));
            }
        }

        if (matched is not null)
        {
            // The search's matches, read first (ConversationSearch.MatchedInOrderAsync): looked up by id.
            query = query.Where(c => matched.Contains(c.Id));
        }
        else if (filter.Search is { } search)
        {
            var found = ConversationSearch.Matching(db, search);
            query = found is null ? query.Where(c => false) : query.Where(c => found.Contains(c.Id));
        }

        return query;
    }

    /// <summary>
    /// A page of <paramref name="filter"/>'s conversations, newest activity first, then the highest id; after
    /// <paramref name="after"/> when given. With several accounts SQLite reads each account's rows in index order and
    /// stops each after a page (its IN early-out), so no split by account is needed there.
    /// </summary>
    /// <remarks>
    /// PostgreSQL (15) has no such early-out: for several accounts it sorts every row of theirs that passes the filter
    /// (a million for an admin of ten brands). There a page is read per account, each in index order and stopping
    /// after a page, and the pages are merged (UNION ALL, then the same order and limit); with queues asked for, a page is
    /// read per queue instead, each from its queue's activity index. With every status, an account's open and resolved
    /// conversations are read apart (<see cref="ByResolution"/>). A search already starts from its
    /// few matches, so it keeps one query; so does a driving tag, read from the tag's own index in activity order
    /// (<see cref="TagPage"/>).
    /// </remarks>
    public static IQueryable<Conversation> Page(
        ParleyDb db, AdvisorSession advisor, ConversationFilter filter, DateTime now, ListCursor? after, int limit, string? drivingTag = null,
        IReadOnlyList<long>? matched = null)
    {
        var accounts = Accounts(advisor, filter);
        if (filter.Search is null && drivingTag is null && db.Database.IsNpgsql())
        {
            // A queue belongs to one account: with queues asked for, a page per queue walks that queue's activity only.
            // A page per account walked every other account's open conversations to find none (70 ms for an admin of ten).
            if (filter.Queues.Count is > 0 and <= MergedQueues && (accounts.Count > 1 || filter.Queues.Count > 1))
            {
                return Merged(filter.Queues.Distinct().Select(q => Page(Filter(db, advisor, filter with { Queues = [q] }, now), after, limit)), limit);
            }

            if (accounts.Count > 1)
            {
                return Merged(accounts.SelectMany(a => ByResolution(Filter(db, advisor, filter with { Accounts = [a] }, now), filter, after, limit)), limit);
            }
        }

        if (filter.Search is null && drivingTag is null && matched is null && SplitsByResolution(filter))
        {
            // One account on PostgreSQL; on SQLite every account in one query per part, each walking its index account by
            // account (its IN early-out).
            return Merged(ByResolution(Filter(db, advisor, filter, now), filter, after, limit), limit);
        }

        if (drivingTag is null || !ReadsTagInOrder(db, filter))
        {
            return Page(Filter(db, advisor, filter, now, drivingTag, matched), after, limit);
        }

        // The tag's index is ordered within one account: several are read one page each and merged. The driving tag is
        // each page's starting point, not one of its conditions (as a condition too, SQLite also read every tagged
        // conversation: 52 → 118 ms at p50 for two tags, admin of ten brands).
        var others = Filter(db, advisor, filter with { Tags = [.. filter.Tags.Where(t => t != drivingTag)] }, now, null, matched);
        return accounts.Count <= 1
            ? TagPage(db, filter, others, accounts.FirstOrDefault(), drivingTag, after, limit)
            : Merged(accounts.Select(a => TagPage(db, filter, others, a, drivingTag, after, limit)), limit);
    }

    /// <summary>
    /// With every status, the open and the resolved conversations read apart, each from its own activity index
    /// (ix_conversations_open_activity, ix_conversations_resolved_activity), for <see cref="Merged"/>. One queue is an
    /// equality, read in order from the queue's own activity index: no split. An index of every conversation in activity
    /// order would serve the page alone, but every write of a conversation (an assignment, a reply, a customer's message)
    /// paid an entry in it; it was dropped (PostgreSQL 0044, SQLite 0039).
    /// </summary>
    private static IEnumerable<IQueryable<Conversation>> ByResolution(IQueryable<Conversation> filtered, ConversationFilter filter, ListCursor? after, int limit) =>
        SplitsByResolution(filter)
            ? [Page(filtered.Where(c => c.Status != ConversationStatus.Resolved), after, limit), Page(filtered.Where(c => c.Status == ConversationStatus.Resolved), after, limit)]
            : [Page(filtered, after, limit)];

    private static bool SplitsByResolution(ConversationFilter filter) => filter.Status == StatusFilter.All && filter.Queues.Count != 1;

    /// <summary>Pages read one per account, merged into one: UNION ALL, then the list's order and limit again.</summary>
    private static IQueryable<Conversation> Merged(IEnumerable<IQueryable<Conversation>> pages, int limit) =>
        pages.Aggregate(Queryable.Concat).OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(Math.Clamp(limit, 1, MaxRows) + 1);

    /// <summary>
    /// Whether a driving tag's page is read in the tag's activity order (<see cref="TagPage"/>) rather than by collecting
    /// the tag's conversations and sorting them. In order, a page stops once it has its rows, but every tag row it passes
    /// costs a look at its conversation, unless the tag row itself refuses it (status and visibility, copied onto the tag
    /// rows by migration 0031). SQLite's lookups are cheap enough for any filter; PostgreSQL's are not (300–480 ms when
    /// the other filters passed few of the tag's conversations), so there only a filter of status, visibility and tags
    /// reads in order: a status other than "all", "open" or "resolved" checks each unresolved tagged conversation, which
    /// are few, as the newest are.
    /// </summary>
    private static bool ReadsTagInOrder(ParleyDb db, ConversationFilter filter) => !db.Database.IsNpgsql()
        || filter is { Channels.Count: 0, Queues.Count: 0, Assignment: AssignmentFilter.Anyone, WaitingMinutes: null, UnreadOnly: false, Sentiment: null, Search: null };

    /// <summary>
    /// A page of one account started from a rare tag: its rows in the tag's index, newest activity first (each row carries
    /// its conversation's updated_at, kept equal by the triggers of migration 0029), each joined to its conversation and
    /// the other conditions, stopping after a page. Read in the conversations' order instead, both databases joined every
    /// tagged conversation before sorting them (15,000 for an admin of ten brands at a million conversations).
    /// </summary>
    private static IQueryable<Conversation> TagPage(
        ParleyDb db, ConversationFilter filter, IQueryable<Conversation> filtered, long account, string tag, ListCursor? after, int limit)
    {
        var tagged = db.ConversationTags.Where(t => t.AccountId == account && t.Tag == tag);
        // What the tag row knows of the filter, checked from the tag's index before its conversation is read; the filter
        // itself (Filter) still decides, on the conversation.
        tagged = filter.Status switch
        {
            StatusFilter.All => tagged,
            StatusFilter.Resolved => tagged.Where(t => t.Resolved),
            _ => tagged.Where(t => !t.Resolved),
        };
        tagged = filter.Visibility switch
        {
            VisibilityFilter.Public => tagged.Where(t => t.IsPublic),
            VisibilityFilter.Private => tagged.Where(t => !t.IsPublic),
            _ => tagged,
        };
        if (after is { } cursor)
        {
            tagged = tagged.Where(t => t.ActivityAt <= cursor.At && (t.ActivityAt < cursor.At || t.ConversationId < cursor.Id));
        }

        return (from t in tagged
                join c in filtered on t.ConversationId equals c.Id
                orderby t.ActivityAt descending, t.ConversationId descending
                select c)
            .Take(Math.Clamp(limit, 1, MaxRows) + 1);
    }

    /// <summary>
    /// The filter's tag that should drive the list: its rarest, when fewer than <paramref name="rareFrom"/> conversations of
    /// the filter's accounts carry it (counted in the tag's index, stopping there). A tag on a few conversations makes the
    /// accounts' activity a long walk for the few rows that carry it (seconds at a million conversations); starting from
    /// the tag reads only those and sorts them. A common tag is met soon on the walk, which then stops after a page.
    /// </summary>
    public static async Task<string?> DrivingTagAsync(ParleyDb db, AdvisorSession advisor, ConversationFilter filter, int rareFrom, CancellationToken ct)
    {
        if (filter.Tags.Count == 0 || rareFrom <= 0)
        {
            return null;
        }

        var accounts = Accounts(advisor, filter);
        (string? Tag, int Count) rarest = (null, int.MaxValue);
        foreach (var tag in filter.Tags.Distinct())
        {
            var count = await db.ConversationTags.Where(t => accounts.Contains(t.AccountId) && t.Tag == tag).Take(rareFrom).CountAsync(ct);
            if (count < rarest.Count)
            {
                rarest = (tag, count);
            }
        }

        return rarest.Count < rareFrom ? rarest.Tag : null;
    }

    /// <summary>The accounts a filter reads: those asked for among the advisor's, or all of the advisor's.</summary>
    public static List<long> Accounts(AdvisorSession advisor, ConversationFilter filter) =>
        filter.Accounts.Count == 0 ? advisor.AccountIds.Order().ToList() : advisor.AccountIds.Intersect(filter.Accounts).Order().ToList();

    /// <summary>
    /// Newest activity first, then the highest id; after <paramref name="after"/> when given. The cursor's condition leads
    /// with <c>updated_at &lt;=</c>, so a deep page seeks in the index instead of walking the pages before it.
    /// </summary>
    private static IQueryable<Conversation> Page(IQueryable<Conversation> query, ListCursor? after, int limit)
    {
        if (after is { } cursor)
        {
            query = query.Where(c => c.UpdatedAt <= cursor.At && (c.UpdatedAt < cursor.At || c.Id < cursor.Id));
        }

        return query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(Math.Clamp(limit, 1, MaxRows) + 1);
    }
}
