using System.Text;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Console;

/// <summary>
/// Full-text search over message texts and contacts (name, email, phone, identities on every channel): SQLite's FTS5
/// tables and PostgreSQL's GIN indexes of migration 0013. A conversation matches when one of its messages, or its
/// contact, holds every word asked. The user's text is never query syntax: each word is quoted (FTS5) or read as plain
/// text (plainto_tsquery), so no input makes the database fail.
/// </summary>
public static class ConversationSearch
{
    // The very expressions of the PostgreSQL indexes (0013_search.sql): an index serves only its own expression.
    private const string MessageVector = "to_tsvector('simple', coalesce(m.text, ''))";
    private const string ContactVector = "to_tsvector('simple', coalesce(k.name, '') || ' ' || coalesce(k.email, '') || ' ' || coalesce(k.phone, ''))";
    private const string IdentityVector = "to_tsvector('simple', i.external_id)";

    /// <summary>The words of a search: split on spaces, those with a letter or a digit only (punctuation alone finds nothing).</summary>
    public static IReadOnlyList<string> Words(string search) =>
        search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsLetterOrDigit)).Take(16).ToList();

    /// <summary>The ids of the conversations that match, as a subquery; null when the text has no word to look for.</summary>
    public static IQueryable<long>? Matching(ParleyDb db, string search)
    {
        var words = Words(search);
        if (words.Count == 0)
        {
            return null;
        }

        if (db.Database.IsNpgsql())
        {
            return db.Database.SqlQueryRaw<long>(
                $"SELECT m.conversation_id AS \"Value\" FROM messages m WHERE {MessageVector} @@ plainto_tsquery('simple', {{0}}) "
                + "UNION SELECT c.id FROM conversations c WHERE c.contact_id IN ("
                + $"SELECT k.id FROM contacts k WHERE {ContactVector} @@ plainto_tsquery('simple', {{0}}) "
                + $"UNION SELECT i.contact_id FROM contact_identities i WHERE {IdentityVector} @@ plainto_tsquery('simple', {{0}}))",
                string.Join(' ', words));
        }

        var match = Fts5(words);
        return db.Database.SqlQuery<long>($"""
            SELECT m.conversation_id AS "Value" FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {match})
            UNION SELECT c.id FROM conversations c WHERE c.contact_id IN (
                SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH {match}
                UNION SELECT i.contact_id FROM contact_identities i WHERE i.id IN (SELECT rowid FROM contact_identities_fts WHERE contact_identities_fts MATCH {match}))
            """);
    }

    /// <summary>The latest message of each conversation holding every word, for the list to show where the words are.</summary>
    public static async Task<Dictionary<long, string>> SnippetsAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, string search, CancellationToken ct)
    {
        var words = Words(search);
        if (words.Count == 0 || conversationIds.Count == 0)
        {
            return [];
        }

        var ids = conversationIds.ToList();
        IQueryable<long> matching = db.Database.IsNpgsql()
            ? db.Database.SqlQueryRaw<long>($"SELECT m.id AS \"Value\" FROM messages m WHERE {MessageVector} @@ plainto_tsquery('simple', {{0}})", string.Join(' ', words))
            : db.Database.SqlQuery<long>($"SELECT rowid AS \"Value\" FROM messages_fts WHERE messages_fts MATCH {Fts5(words)}");
        var found = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.ConversationId) && m.Text != null && matching.Contains(m.Id))
            .Select(m => new { m.ConversationId, m.Seq, m.Text })
            .ToListAsync(ct);
        return found.GroupBy(m => m.ConversationId).ToDictionary(g => g.Key, g => g.MaxBy(m => m.Seq)!.Text!);
    }

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
