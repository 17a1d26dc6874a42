using Microsoft.EntityFrameworkCore;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>
/// The engine's hot-path SQL, for both dialects, in one place: plain ADO.NET on the caller's connection and transaction
/// (EF's work per statement cost more than the statements; see docs/ARCHITECTURE.md). The SQL is the common subset of
/// SQLite and PostgreSQL, values always as parameters; where the dialects differ (row locks, the insert), each method
/// says so. The engine's files keep the rules and call these for their reads and writes.
/// </summary>
internal static partial class EngineStore
{
    /// <summary>
    /// Takes the conversations' row locks at the start of a transaction (PostgreSQL; SQLite runs one write transaction
    /// at a time anyway), so concurrent writers queue up instead of failing their version check until retries run out.
    /// Rows are locked in id order, so two writers locking overlapping sets cannot deadlock.
    /// </summary>
    public static async Task LockConversationsAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || conversationIds.Count == 0)
        {
            return;
        }

        await using var command = db.Command();
        command.CommandText = $"SELECT id FROM conversations WHERE {command.AddIdSet("@l", "id", conversationIds)} ORDER BY id FOR UPDATE";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
        }
    }

    /// <summary>
    /// A conversation read to be changed, tracked, with its row lock: on PostgreSQL the lock and the read are one statement
    /// (<c>SELECT … FOR UPDATE</c>, one round trip where <see cref="LockConversationsAsync"/> and a read were two); on SQLite
    /// a plain read, the write gate keeping every other writer out. Null when it does not exist.
    /// </summary>
    public static async Task<Conversation?> LockedConversationAsync(ParleyDb db, long conversationId, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? (await db.Conversations.FromSql($"SELECT * FROM conversations WHERE id = {conversationId} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault()
            : await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);

    /// <summary>As <see cref="LockedConversationAsync"/>, for a conversation the caller knows exists.</summary>
    public static async Task<Conversation> LockedExistingConversationAsync(ParleyDb db, long conversationId, CancellationToken cancellationToken) =>
        await LockedConversationAsync(db, conversationId, cancellationToken)
            ?? throw new InvalidOperationException($"Conversation {conversationId} does not exist.");

    /// <summary>Sets the times and bumps the version of conversations the caller holds (row lock or write gate), unloaded.</summary>
    public static async Task TouchAsync(ParleyDb db, IReadOnlyList<(long Id, DateTime LastCustomerMessageAt)> conversations, DateTime now, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return;
        }

        await using var command = db.Command();
        command.Add("@now", now);
        var (lastAt, ids) = command.AddCaseById("t", conversations);
        command.CommandText = $"UPDATE conversations SET updated_at = @now, version = version + 1, last_customer_message_at = {lastAt} WHERE id IN ({ids})";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes the advisor's row lock until the transaction ends (PostgreSQL): routing passes and the presence sweep queue up
    /// on it, advisor first, then conversations. It is <c>FOR NO KEY UPDATE</c>, not <c>FOR UPDATE</c>: a writer that holds a
    /// conversation and inserts or updates a row referencing the advisor (a message, a reporting event, an assignee) takes
    /// the advisor's <c>FOR KEY SHARE</c> lock for its foreign key, which <c>FOR UPDATE</c> would block, and the two
    /// transactions would deadlock (found by RoutingRulesTests on PostgreSQL under load).
    /// </summary>
    public static Task LockAdvisorAsync(ParleyDb db, long advisorId, CancellationToken cancellationToken) =>
        LockAdvisorsAsync(db, [advisorId], cancellationToken);

    /// <summary>
    /// <see cref="LockAdvisorAsync"/> for several advisors in one statement, taken in id order so that two transactions
    /// locking overlapping sets (routing passes on several nodes) queue instead of deadlocking.
    /// </summary>
    public static async Task LockAdvisorsAsync(ParleyDb db, IReadOnlyCollection<long> advisorIds, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || advisorIds.Count == 0)
        {
            return;
        }

        await using var command = db.Command();
        command.CommandText = $"SELECT id FROM advisors WHERE {command.AddIdSet("@a", "id", advisorIds)} ORDER BY id FOR NO KEY UPDATE";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
        }
    }

    /// <summary>The conversations' unprocessed customer messages in order (conversation, then seq), untracked.</summary>
    public static async Task<List<Message>> UnprocessedAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        var ids = command.AddList("c", conversationIds);
        command.Add("@limit", limit);
        command.CommandText = "SELECT id, conversation_id, seq, text, reply_to, created_at FROM messages "
            + $"WHERE conversation_id IN ({ids}) AND {db.Unprocessed()} ORDER BY conversation_id, seq LIMIT @limit";
        var messages = new List<Message>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new Message
            {
                Id = reader.GetInt64(0),
                ConversationId = reader.GetInt64(1),
                Seq = reader.GetInt64(2),
                Text = reader.NullableString(3),
                ReplyTo = reader.NullableString(4),
                CreatedAt = reader.Utc(5),
                AuthorKind = AuthorKind.Customer,
            });
        }

        return messages;
    }

    /// <summary>The conversations' statuses and bot states (which say whether the bot waits on an API).</summary>
    public static async Task<Dictionary<long, (ConversationStatus Status, string? BotState)>> StatesAsync(
        ParleyDb db, List<long> conversationIds, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.CommandText = $"SELECT id, status, bot_state FROM conversations WHERE id IN ({command.AddList("c", conversationIds)})";
        var states = new Dictionary<long, (ConversationStatus, string?)>(conversationIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states[reader.GetInt64(0)] = (reader.Enum<ConversationStatus>(1), reader.NullableString(2));
        }

        return states;
    }

    public static async Task MarkProcessedAsync(ParleyDb db, List<Message> messages, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@processed", true);
        command.CommandText = $"UPDATE messages SET processed = @processed WHERE id IN ({command.AddList("m", messages.Select(m => m.Id))})";
        var marked = await command.ExecuteNonQueryAsync(cancellationToken);
        if (marked != messages.Count)
        {
            throw new InvalidOperationException($"Marked {marked} of {messages.Count} messages processed.");
        }
    }

    /// <summary>The conversations with customer messages not processed yet (left by a crash, or by a failed batch).</summary>
    /// <summary>Records what the bot understood of a customer's message (intent, language, sentiment).</summary>
    /// <summary>The intent a flow read in a customer's message (its language and sentiment were stored with it).</summary>
    public static async Task AnnotateAsync(ParleyDb db, long messageId, string intent, CancellationToken cancellationToken)
    {
        await using var command = db.Command("UPDATE messages SET intent = @intent WHERE id = @id");
        command.Add("@intent", intent);
        command.Add("@id", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<List<long>> WithUnprocessedAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command($"SELECT DISTINCT conversation_id FROM messages WHERE {db.Unprocessed()}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
