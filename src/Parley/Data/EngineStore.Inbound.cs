using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>The inbound writer's statements: duplicates, conversations, settling, numbering and the insert.</summary>
internal static partial class EngineStore
{
    /// <summary>Messages of the inbox already stored under these channel ids (a retried delivery), by channel id.</summary>
    /// <remarks>One query per inbox, with equalities the (inbox, channel message id) index answers directly.</remarks>
    public static async Task<List<(string ChannelMessageId, AcceptResult Stored)>> StoredAsync(ParleyDb db, long inboxId, IEnumerable<string> channelMessageIds)
    {
        await using var command = db.Command();
        var ids = command.AddList("m", channelMessageIds);
        command.Add("@inbox", inboxId);
        command.CommandText = $"SELECT channel_message_id, id, conversation_id, seq FROM messages WHERE inbox_id = @inbox AND channel_message_id IN ({ids})";
        var known = new List<(string, AcceptResult)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            known.Add((reader.GetString(0), new AcceptResult(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), true)));
        }

        return known;
    }

    /// <summary>Every conversation of these contacts on the inbox, open or resolved, private (no post) and public.</summary>
    public static async Task<List<(long Id, long ContactId, long AccountId, ConversationStatus Status, long? PostId)>> ConversationsOfAsync(
        ParleyDb db, long inboxId, IEnumerable<long> contactIds)
    {
        await using var command = db.Command();
        var contacts = command.AddList("c", contactIds);
        command.Add("@inbox", inboxId);
        command.CommandText = $"SELECT id, contact_id, account_id, status, post_id FROM conversations WHERE inbox_id = @inbox AND contact_id IN ({contacts})";
        var rows = new List<(long, long, long, ConversationStatus, long?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.Enum<ConversationStatus>(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>
    /// Of these conversations, those queued or with an advisor with no customer message left to process: a new message to
    /// one of them changes only its times, so it is stored processed (settled at acceptance).
    /// </summary>
    public static async Task<HashSet<long>> SettledAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds)
    {
        await using var state = db.Command();
        var ids = state.AddList("c", conversationIds);
        state.Add("@queued", ConversationStatus.Queued);
        state.Add("@assigned", ConversationStatus.Assigned);
        state.CommandText = $"SELECT c.id FROM conversations c WHERE c.id IN ({ids}) AND c.status IN (@queued, @assigned) "
            + $"AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND {db.Unprocessed()})";
        var settled = new HashSet<long>();
        await using var reader = await state.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            settled.Add(reader.GetInt64(0));
        }

        return settled;
    }

    /// <summary>
    /// Moves each conversation's last_seq by its count of new messages and touches it, in one statement; returns the new
    /// last_seq of each. Every conversation here had a customer message now (the processor sets the same time again for
    /// those it handles). <paramref name="tones"/>: the sentiment of each conversation's latest new message that has
    /// one, the customer's tone on the conversation (<c>customer_sentiment</c>, which the console filters by); the
    /// others keep theirs.
    /// </summary>
    public static async Task<Dictionary<long, long>> NumberAsync(
        ParleyDb db, IReadOnlyList<(long Id, long Count)> counts, IReadOnlyList<(long Id, double Sentiment)> tones, DateTime now)
    {
        var last = new Dictionary<long, long>(counts.Count);
        await using var number = db.Command();
        var (added, ids) = number.AddCaseById("n", counts);
        var tone = tones.Count == 0 ? "" : $", customer_sentiment = COALESCE({number.AddCaseById("s", tones).Case}, customer_sentiment)";
        number.Add("@now", now);
        number.CommandText = $"UPDATE conversations SET last_seq = last_seq + {added}, updated_at = @now, last_customer_message_at = @now, "
            + $"version = version + 1{tone} WHERE id IN ({ids}) RETURNING id, last_seq";
        await using var reader = await number.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            last[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return last;
    }

    /// <summary>
    /// Inserts numbered customer messages and sets their ids. SQLite: one prepared single-row statement run per message
    /// with its values bound by position (ADO.NET binds by name on every run, a linear search in SQLite). PostgreSQL:
    /// every row in one statement, one round trip, each column bound as one array (<see cref="Sql.AddColumns"/>).
    /// </summary>
    public static async Task InsertInboundAsync(ParleyDb db, List<Message> messages, DateTime now)
    {
        const string Columns = "INSERT INTO messages (conversation_id, inbox_id, seq, author_kind, author_name, content_type, text, payload_json, "
            + "reply_to, channel_message_id, delivery_status, processed, delivery_attempts, created_at, sentiment, language, parent_channel_message_id) VALUES ";
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            // SQLite: one prepared single-row statement, run once per message with its values bound by position.
            using var statement = new SqliteStatement(sqlite, Columns + "(?1, ?2, ?3, ?14, ?4, ?5, ?6, ?7, ?8, ?9, ?15, ?10, 0, ?16, ?11, ?12, ?13)");
            statement.Bind(14, AuthorKind.Customer);
            statement.Bind(15, DeliveryStatus.Delivered);
            statement.Bind(16, now);
            foreach (var m in messages)
            {
                var values = Row(m);
                for (var c = 0; c < values.Length; c++)
                {
                    statement.Bind(c + 1, values[c]);
                }

                m.Id = statement.Insert();
            }

            return;
        }

        // PostgreSQL: every row in one statement, one round trip, one array per column.
        await using var insert = db.Command();
        insert.Add("@kind", AuthorKind.Customer);
        insert.Add("@status", DeliveryStatus.Delivered);
        insert.Add("@now", now);
        var bySeq = messages.ToDictionary(m => (m.ConversationId, m.Seq));
        var rows = insert.AddColumns("v", "v", InboundTypes, messages.Select(Row).ToList());
        insert.CommandText = $"{Columns[..^"VALUES ".Length]}SELECT v.column1, v.column2, v.column3, @kind, v.column4, v.column5, v.column6, v.column7, "
            + $"v.column8, v.column9, @status, v.column10, 0, @now, v.column11, v.column12, v.column13 FROM {rows} RETURNING id, conversation_id, seq";
        await using var inserted = await insert.ExecuteReaderAsync();
        while (await inserted.ReadAsync())
        {
            bySeq[(inserted.GetInt64(1), inserted.GetInt64(2))].Id = inserted.GetInt64(0);
        }
    }

    /// <summary>PostgreSQL's types of <see cref="Row"/>'s values, for the insert's arrays.</summary>
    private static readonly string[] InboundTypes =
        ["bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "text", "boolean", "double precision", "text", "text"];

    /// <summary>A message's own values, in the order of the insert's columns (the common ones left out).</summary>
    private static object?[] Row(Message m) =>
        [m.ConversationId, m.InboxId, m.Seq, m.AuthorName, m.ContentType, m.Text, m.PayloadJson, m.ReplyTo, m.ChannelMessageId, m.Processed, m.Sentiment, m.Language, m.ParentChannelMessageId];
}
