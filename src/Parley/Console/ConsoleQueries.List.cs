using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>The conversation list: a page of rows for a filter (rules in <see cref="ConsoleList"/>).</summary>
public sealed partial class ConsoleQueries
{
    /// <summary>
    /// How many matching messages make a search common (<see cref="ConversationSearch.CommonMatches"/>); a test lowers it
    /// to compare both ways of searching on a small database.
    /// </summary>
    internal int CommonSearchFrom { get; set; } = ConversationSearch.CommonMatches;

    /// <summary>How few conversations make a tag drive the list (<see cref="ConsoleList.DrivingTagAsync"/>); a test sets it to 0 (never) or beyond any count (always).</summary>
    internal int RareTagFrom { get; set; } = ConsoleList.RareTag;

    /// <summary>The first page of the list (the bench's and the simplest callers' way in).</summary>
    public async Task<IReadOnlyList<ConversationRow>> ListAsync(AdvisorSession advisor, ConversationFilter filter, CancellationToken ct) =>
        (await PageAsync(advisor, filter, null, ConsoleList.PageSize, ct)).Rows;

    /// <summary>Up to <paramref name="limit"/> rows after <paramref name="after"/> (from the top when null), newest activity first.</summary>
    public async Task<ConversationPage> PageAsync(AdvisorSession advisor, ConversationFilter filter, ListCursor? after, int limit, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, ConsoleList.MaxRows);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var drivingTag = await ConsoleList.DrivingTagAsync(db, advisor, filter, RareTagFrom, ct);
        var walked = filter.Search is { } words && await ConversationSearch.IsCommonAsync(db, words, CommonSearchFrom, ct)
            ? await WalkAsync(db, advisor, filter with { Search = null }, drivingTag, words, now, after, limit, ct)
            : null;
        if (walked is null && filter.Search is { } rare
            && await ConversationSearch.MatchedInOrderAsync(db, rare, ConsoleList.Accounts(advisor, filter), after, ct) is { } matched)
        {
            walked = await FirstPassingAsync(db, advisor, filter, matched, now, limit, ct);
        }

        var query = walked is null
            ? ConsoleList.Page(db, advisor, filter, now, after, limit, drivingTag)
            : db.Conversations.AsNoTracking().Where(c => walked.Contains(c.Id));

        // The last message is joined on (conversation, seq), which is unique: a plain left join. Asked as FirstOrDefault
        // in the projection, EF numbered every message of the database (ROW_NUMBER over the whole table) on each call.
        var rows = await (
                from c in query
                join m in db.Messages on new { Conversation = c.Id, Seq = c.LastSeq } equals new { Conversation = m.ConversationId, m.Seq } into lasts
                from last in lasts.DefaultIfEmpty()
                orderby c.UpdatedAt descending, c.Id descending
                select new
                {
                    c.Id,
                    c.Channel,
                    c.IsPublic,
                    c.Status,
                    c.QueueId,
                    c.AssigneeId,
                    c.UpdatedAt,
                    Unread = c.LastSeq - c.AdvisorReadSeq,
                    Contact = db.Contacts.Where(k => k.Id == c.ContactId).Select(k => k.Name).FirstOrDefault(),
                    c.ContactId,
                    Last = last == null ? null : new { last.Text, last.AuthorKind, last.ContentType, last.PayloadJson, last.CreatedAt },
                })
            .ToListAsync(ct);

        var next = rows.Count > limit ? new ListCursor(rows[limit - 1].UpdatedAt, rows[limit - 1].Id) : null;
        rows = rows.Take(limit).ToList();
        var ids = rows.Select(r => r.Id).ToList();
        var (tags, snippets, names) = await RowExtrasAsync(db, advisor, ids, rows.Select(r => r.QueueId), rows.Select(r => r.AssigneeId), filter.Search, ct);
        return new ConversationPage(
            rows.Select(r => new ConversationRow(
                    r.Id,
                    ContactName(r.Contact, r.ContactId),
                    r.Channel,
                    r.Status,
                    r.QueueId is { } q ? names.Queues.GetValueOrDefault(q) : null,
                    r.AssigneeId,
                    r.AssigneeId is { } a ? names.Advisors.GetValueOrDefault(a) : null,
                    r.Last is null ? null : Preview(r.Last.ContentType, r.Last.Text, r.Last.PayloadJson),
                    r.Last?.AuthorKind,
                    r.Last?.CreatedAt ?? r.UpdatedAt,
                    r.AssigneeId == advisor.Id ? Math.Max(0, r.Unread) : 0,
                    r.IsPublic,
                    tags[r.Id].Order(StringComparer.Ordinal).ToList(),
                    snippets.TryGetValue(r.Id, out var snippet) ? Preview(Conversations.ContentType.Text, snippet, null) : null,
                    r.UpdatedAt))
                .ToList(),
            next);
    }

    /// <summary>
    /// A common search (<see cref="ConversationSearch.CommonMatches"/>): the ids of the page's matching conversations, found by
    /// walking the other filters' conversations newest first, a batch at a time, so most of the first batch matches. Null
    /// when the words are too rare among these conversations (<see cref="ConsoleList.SearchWalk"/> walked): the list of
    /// matches is then the cheaper way.
    /// </summary>
    private static async Task<List<long>?> WalkAsync(
        ParleyDb db, AdvisorSession advisor, ConversationFilter others, string? drivingTag, string search, DateTime now, ListCursor? after, int limit, CancellationToken ct)
    {
        var found = new List<long>();
        for (var walked = 0; walked < ConsoleList.SearchWalk;)
        {
            var batch = await ConsoleList.Page(db, advisor, others, now, after, ConsoleList.SearchBatch - 1, drivingTag)
                .Select(c => new { c.Id, c.UpdatedAt }).ToListAsync(ct);
            var matching = await ConversationSearch.MatchingAmongAsync(db, batch.Select(c => c.Id).ToList(), search, ct);
            found.AddRange(batch.Where(c => matching.Contains(c.Id)).Select(c => c.Id));
            if (found.Count > limit || batch.Count < ConsoleList.SearchBatch)
            {
                return found.Take(limit + 1).ToList();
            }

            walked += batch.Count;
            after = new ListCursor(batch[^1].UpdatedAt, batch[^1].Id);
        }

        return null;
    }

    /// <summary>How many of a rare search's ordered matches the list looks up at a time (<see cref="FirstPassingAsync"/>); a test lowers it.</summary>
    internal int MatchedChunk { get; set; } = 256;

    /// <summary>
    /// The page's conversations among a rare search's matches, given in the list's order
    /// (<see cref="ConversationSearch.MatchedInOrderAsync"/>): the other filters are checked on a chunk of matches at a
    /// time, in that order, until more than a page passes or the matches end.
    /// </summary>
    private async Task<List<long>> FirstPassingAsync(
        ParleyDb db, AdvisorSession advisor, ConversationFilter filter, IReadOnlyList<long> matched, DateTime now, int limit, CancellationToken ct)
    {
        var found = new List<long>();
        for (var start = 0; start < matched.Count && found.Count <= limit; start += MatchedChunk)
        {
            var chunk = matched.Skip(start).Take(MatchedChunk).ToList();
            found.AddRange(await ConsoleList.Page(db, advisor, filter, now, null, limit - found.Count, null, chunk).Select(c => c.Id).ToListAsync(ct));
        }

        return found.Take(limit + 1).ToList();
    }

    /// <summary>
    /// The rows of <paramref name="ids"/> that pass <paramref name="filter"/> now, in no order: a live console's patch (see
    /// <see cref="ConsoleRows"/>). An id missing from the answer has left the filter (or was never in the advisor's accounts).
    /// Unlike <see cref="PageAsync"/>, <see cref="ConversationRow.Unread"/> is the conversation's for every advisor, so consoles
    /// can share the read; <see cref="ConsoleRows.ForAdvisor"/> keeps it for the assignee only, as the page does.
    /// </summary>
    public async Task<IReadOnlyList<ConversationRow>> RowsAsync(AdvisorSession advisor, ConversationFilter filter, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await (
                from c in ConsoleList.Filter(db, advisor, filter, clock.GetUtcNow().UtcDateTime).Where(c => wanted.Contains(c.Id))
                join m in db.Messages on new { Conversation = c.Id, Seq = c.LastSeq } equals new { Conversation = m.ConversationId, m.Seq } into lasts
                from last in lasts.DefaultIfEmpty()
                select new
                {
                    Conversation = c,
                    Contact = db.Contacts.Where(k => k.Id == c.ContactId).Select(k => k.Name).FirstOrDefault(),
                    Last = last,
                })
            .ToListAsync(ct);
        if (found.Count == 0)
        {
            return [];
        }

        var foundIds = found.Select(f => f.Conversation.Id).ToList();
        var (tags, snippets, names) = await RowExtrasAsync(
            db, advisor, foundIds, found.Select(f => f.Conversation.QueueId), found.Select(f => f.Conversation.AssigneeId), filter.Search, ct);
        return found.Select(f =>
        {
            var (c, last) = (f.Conversation, f.Last);
            return new ConversationRow(
                c.Id,
                ContactName(f.Contact, c.ContactId),
                c.Channel,
                c.Status,
                c.QueueId is { } q ? names.Queues.GetValueOrDefault(q) : null,
                c.AssigneeId,
                c.AssigneeId is { } a ? names.Advisors.GetValueOrDefault(a) : null,
                last is null ? null : Preview(last.ContentType, last.Text, last.PayloadJson),
                last?.AuthorKind,
                last?.CreatedAt ?? c.UpdatedAt,
                c.LastSeq - c.AdvisorReadSeq,
                c.IsPublic,
                tags[c.Id].Order(StringComparer.Ordinal).ToList(),
                snippets.TryGetValue(c.Id, out var snippet) ? Preview(Conversations.ContentType.Text, snippet, null) : null,
                c.UpdatedAt);
        }).ToList();
    }

    /// <summary>What a list row shows beside the conversation's own columns: its tags, the search's snippet, and names.</summary>
    private static async Task<(ILookup<long, string> Tags, Dictionary<long, string> Snippets, (Dictionary<long, string> Queues, Dictionary<long, string> Advisors) Names)> RowExtrasAsync(
        ParleyDb db, AdvisorSession advisor, List<long> ids, IEnumerable<long?> queueIds, IEnumerable<long?> assigneeIds, string? search, CancellationToken ct)
    {
        var tags = (await db.ConversationTags.AsNoTracking().Where(t => ids.Contains(t.ConversationId)).Select(t => new { t.ConversationId, t.Tag }).ToListAsync(ct))
            .ToLookup(t => t.ConversationId, t => t.Tag);
        var snippets = search is not null ? await ConversationSearch.SnippetsAsync(db, ids, search, ct) : [];
        return (tags, snippets, await NamesAsync(db, advisor, queueIds, assigneeIds, ct));
    }
}
