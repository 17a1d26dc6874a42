using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Console;

/// <summary>
/// Full-text search over message texts and contacts (name, email, phone, identities on every channel): SQLite's FTS5
/// tables (0013; messages keyed by conversation since 0028) and PostgreSQL's GIN indexes of migration 0013. A
/// conversation matches when one of its messages, or its contact, holds every word asked. The user's text is never query syntax: each word is quoted (FTS5) or read as plain
/// text (plainto_tsquery), so no input makes the database fail.
/// </summary>
public static class ConversationSearch
{
    // The very expressions of the PostgreSQL indexes (0013_search.sql): an index serves only its own expression.
    private const string MessageVector = "to_tsvector('simple', coalesce(m.text, ''))";
    private const string ContactVector = "to_tsvector('simple', coalesce(k.name, '') || ' ' || coalesce(k.email, '') || ' ' || coalesce(k.phone, ''))";
    private const string IdentityVector = "to_tsvector('simple', i.external_id)";

    // Parley's own notices ("… joined the conversation.") are not searched: both databases leave them out of their index
    // (SQLite's 0035, PostgreSQL's 0040_system_messages_unsearched.sql). PostgreSQL's index of messages is partial, so
    // every query of it states this condition, which is the index's own.
    private const string Searched = "m.author_kind <> 'System'";

    // PostgreSQL: a message m holds every word of the search (parameter @words, or placeholder {0} or {1}), as the index
    // of messages (0040) answers it: the notices left out of the index are left out here, so that it can be used.
    private const string MessageHolds = Searched + " AND " + MessageVector + " @@ plainto_tsquery('simple', ";
    internal const string MessageMatchesWords = MessageHolds + "@words)";
    private const string MessageMatches0 = MessageHolds + "{0})";
    private const string MessageMatches1 = MessageHolds + "{1})";

    // SQLite (0028_message_words.sql): a message's words are indexed under conversation_id * 16777216 + seq, so a
    // conversation's messages are one range of keys (written as literals below: interpolated values become parameters).

    /// <summary>The words of a search: split on spaces, those with a letter or a digit only (punctuation alone finds nothing).</summary>
    public static IReadOnlyList<string> Words(string search) =>
        search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetterOrDigit)).Take(16).ToList();

    /// <summary>The ids of the conversations that match, as a subquery; null when the text has no word to look for.</summary>
    public static IQueryable<long>? Matching(ParleyDb db, string search)
    {
        var words = Words(search);
        return words.Count == 0 ? null : ByMessage(db, words).Union(ByContact(db, words));
    }

    /// <summary>A rare search's matches read first, on PostgreSQL, at most this many; past it the list keeps the subquery.</summary>
    public const int MostMatchedIds = 50_000;

    /// <summary>
    /// On PostgreSQL, the conversations a (rare) search matches in <paramref name="accounts"/>, after
    /// <paramref name="after"/>, in the list's order (newest activity, then highest id): read before the list, which then
    /// looks them up in that order, a few at a time, until its page is full. Null on SQLite, for no words, or past
    /// <see cref="MostMatchedIds"/>. As a subquery PostgreSQL guessed its size from the GIN index (a thousand or more
    /// rows for one tracking number) and joined it by scanning every conversation (250 ms at a million); as one list of
    /// ids the page looked up every match (6,412 conversations for a name shared by 3,206 contacts: 30 ms). The order
    /// comes from the contact index's copy of the activity (0032), so matches by contact cost no conversation read. Each
    /// side's matches are an array (ARRAY(…)), which PostgreSQL looks up one by one: as "IN (subquery)" it trusted the GIN
    /// index's estimate (thousands of rows for one tracking number) and hashed every conversation (75 ms for one match).
    /// </summary>
    public static async Task<IReadOnlyList<long>?> MatchedInOrderAsync(
        ParleyDb db, string search, IReadOnlyList<long> accounts, ListCursor? after, CancellationToken ct)
    {
        var words = Words(search);
        if (!db.Database.IsNpgsql() || words.Count == 0)
        {
            return null;
        }

        var sql = new StringBuilder($"""
            SELECT x.id AS "Value" FROM (
                SELECT c.id, c.updated_at, c.account_id FROM conversations c
                WHERE c.id = ANY(ARRAY(SELECT m.conversation_id FROM messages m WHERE {MessageMatches0}))
                UNION
                SELECT c.id, c.updated_at, c.account_id FROM conversations c
                WHERE c.contact_id = ANY(ARRAY(
                    SELECT k.id FROM contacts k WHERE {ContactVector} @@ plainto_tsquery('simple', {"{0}"})
                    UNION SELECT i.contact_id FROM contact_identities i WHERE {IdentityVector} @@ plainto_tsquery('simple', {"{0}"})))
            ) x
            WHERE x.account_id = ANY({"{1}"})
            """);
        var parameters = new List<object> { string.Join(' ', words), accounts.ToArray() };
        if (after is { } cursor)
        {
            sql.Append(" AND (x.updated_at < {2} OR (x.updated_at = {2} AND x.id < {3}))");
            parameters.Add(cursor.At);
            parameters.Add(cursor.Id);
        }

        sql.Append(" ORDER BY x.updated_at DESC, x.id DESC LIMIT " + (MostMatchedIds + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ids = await db.Database.SqlQueryRaw<long>(sql.ToString(), [.. parameters]).ToListAsync(ct);
        return ids.Count > MostMatchedIds ? null : ids;
    }

    /// <summary>Conversations with a message holding every word.</summary>
    private static IQueryable<long> ByMessage(ParleyDb db, IReadOnlyList<string> words) => db.Database.IsNpgsql()
        ? db.Database.SqlQueryRaw<long>(
            $"SELECT m.conversation_id AS \"Value\" FROM messages m WHERE {MessageMatches0}", string.Join(' ', words))
        : db.Database.SqlQuery<long>(
            $"SELECT rowid / 16777216 AS \"Value\" FROM message_words WHERE message_words MATCH {Fts5(words)}");

    /// <summary>Conversations whose contact holds every word in their name, email, phone, or in one identity.</summary>
    private static IQueryable<long> ByContact(ParleyDb db, IReadOnlyList<string> words)
    {
        if (db.Database.IsNpgsql())
        {
            return db.Database.SqlQueryRaw<long>(
                "SELECT c.id AS \"Value\" FROM conversations c WHERE c.contact_id IN ("
                + $"SELECT k.id FROM contacts k WHERE {ContactVector} @@ plainto_tsquery('simple', {{0}}) "
                + $"UNION SELECT i.contact_id FROM contact_identities i WHERE {IdentityVector} @@ plainto_tsquery('simple', {{0}}))",
                string.Join(' ', words));
        }

        var match = Fts5(words);
        return db.Database.SqlQuery<long>($"""
            SELECT c.id AS "Value" FROM conversations c WHERE c.contact_id IN (
                SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH {match}
                UNION SELECT i.contact_id FROM contact_identities i WHERE i.id IN (SELECT rowid FROM contact_identities_fts WHERE contact_identities_fts MATCH {match}))
            """);
    }

    /// <summary>
    /// From this many matching messages a search is common: the list walks the filter's conversations newest first and
    /// checks a batch at a time (<see cref="MatchingAmongAsync"/>) instead of collecting every matching message first.
    /// </summary>
    public const int CommonMatches = 5_000;

    /// <summary>
    /// Whether at least <paramref name="commonFrom"/> messages hold every word. SQLite counts them, up to that many.
    /// PostgreSQL is asked for its planner's estimate instead (<see cref="EstimatedMatchesAsync"/>): any count through its
    /// GIN index first collects every match of the words (270,000 rows for a common word at a million messages: 55 ms
    /// before the first row), while the estimate comes from the statistics ANALYZE keeps on the words (0040: on the
    /// expression, since the index is partial).
    /// </summary>
    public static async Task<bool> IsCommonAsync(ParleyDb db, string search, int commonFrom, CancellationToken ct)
    {
        var words = Words(search);
        if (words.Count == 0)
        {
            return false;
        }

        if (db.Database.IsNpgsql())
        {
            return await EstimatedMatchesAsync(db, words, ct) >= commonFrom;
        }

        var count = db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM (SELECT 1 FROM message_words WHERE message_words MATCH {Fts5(words)} LIMIT {commonFrom}) x");
        return await count.SingleAsync(ct) >= commonFrom;
    }

    /// <summary>
    /// PostgreSQL's estimate of the messages holding every word: the planned rows of the search (<c>EXPLAIN</c>, which runs
    /// nothing). Its statistics of the index's words (the most common ones and their frequencies) come from ANALYZE, which
    /// autovacuum runs as messages are written; a wrong estimate costs time, never a wrong answer (both ways of searching
    /// give the same rows).
    /// </summary>
    private static async Task<double> EstimatedMatchesAsync(ParleyDb db, IReadOnlyList<string> words, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"EXPLAIN (FORMAT JSON) SELECT 1 FROM messages m WHERE {MessageMatchesWords}";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "words";
            parameter.Value = string.Join(' ', words);
            command.Parameters.Add(parameter);
            var plan = (string?)await command.ExecuteScalarAsync(ct) ?? "[]";
            using var json = JsonDocument.Parse(plan);
            return json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Which of <paramref name="conversationIds"/> match: each conversation is checked against the words (on SQLite one
    /// range of keys per conversation; on PostgreSQL its messages on the row, up to the first that holds them), never the
    /// whole list of matches.
    /// </summary>
    public static async Task<HashSet<long>> MatchingAmongAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, string search, CancellationToken ct)
    {
        var words = Words(search);
        if (words.Count == 0 || conversationIds.Count == 0)
        {
            return [];
        }

        var ids = conversationIds.ToArray();
        var found = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<long>(
                "SELECT j.id AS \"Value\" FROM unnest({0}::bigint[]) AS j(id) WHERE EXISTS (SELECT 1 FROM messages m "
                + $"WHERE m.conversation_id = j.id AND {MessageMatches1})",
                ids, string.Join(' ', words)).ToListAsync(ct)
            : await db.Database.SqlQuery<long>($"""
                SELECT DISTINCT j.value AS "Value" FROM json_each({JsonSerializer.Serialize(ids)}) j CROSS JOIN message_words f
                WHERE message_words MATCH {Fts5(words)} AND f.rowid BETWEEN j.value * 16777216 AND j.value * 16777216 + 16777215
                """).ToListAsync(ct);
        found.AddRange(await ByContact(db, words).Where(id => ids.Contains(id)).ToListAsync(ct));
        return [.. found];
    }

    /// <summary>The latest message of each conversation holding every word, for the list to show where the words are.</summary>
    public static async Task<Dictionary<long, string>> SnippetsAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, string search, CancellationToken ct)
    {
        var words = Words(search);
        if (words.Count == 0 || conversationIds.Count == 0)
        {
            return [];
        }

        var ids = conversationIds.ToArray();
        var found = await (db.Database.IsNpgsql()
            ? db.Database.SqlQueryRaw<FoundMessage>(
                "SELECT j.id AS \"ConversationId\", s.seq AS \"Seq\", s.text AS \"Text\" FROM unnest({0}::bigint[]) AS j(id) CROSS JOIN LATERAL ("
                + $"SELECT m.seq, m.text FROM messages m WHERE m.conversation_id = j.id AND m.text IS NOT NULL AND {MessageMatches1} "
                + "ORDER BY m.seq DESC LIMIT 1) s",
                ids, string.Join(' ', words))
            : db.Database.SqlQuery<FoundMessage>($"""
                SELECT m.conversation_id AS "ConversationId", m.seq AS "Seq", m.text AS "Text"
                FROM json_each({JsonSerializer.Serialize(ids)}) j CROSS JOIN message_words f CROSS JOIN messages m
                WHERE message_words MATCH {Fts5(words)} AND f.rowid BETWEEN j.value * 16777216 AND j.value * 16777216 + 16777215
                    AND m.conversation_id = j.value AND m.seq = f.rowid - j.value * 16777216
                """)).ToListAsync(ct);
        return found.GroupBy(m => m.ConversationId).ToDictionary(g => g.Key, g => g.MaxBy(m => m.Seq)!.Text!);
    }

    private sealed record FoundMessage(long ConversationId, long Seq, string? Text);

    /// <summary>Every word as an FTS5 string (double quotes doubled): words, never operators, column filters or prefixes.</summary>
    private static string Fts5(IReadOnlyList<string> words)
    {
        var match = new StringBuilder();
        foreach (var word in words)
        {
            match.Append(match.Length == 0 ? "" : " ").Append('"').Append(word.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }

        return match.ToString();
    }
}
