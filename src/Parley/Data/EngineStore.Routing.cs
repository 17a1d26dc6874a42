using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>
/// Routing's batch write: a batch of assignments as three set-based statements (the conversations, their "joined"
/// messages, their reporting events), instead of EF's three statements per assignment.
/// </summary>
internal static partial class EngineStore
{
    /// <summary>
    /// Stores assignments the caller made in memory (<see cref="ConversationWriter.Assign"/>) on conversations it holds
    /// (advisors' and conversations' row locks, or the SQLite write gate) and read untracked: each conversation's new state,
    /// its "joined" message (whose id is set here) and its reporting event. A conversation no longer queued or whose version
    /// moved since it was read (a writer that skipped its lock) fails the whole batch with
    /// <see cref="DbUpdateConcurrencyException"/>, as EF's version check would; the caller's transaction then rolls back.
    /// SQLite: one prepared single-row statement per table, run per row with its values bound by position (binding by name
    /// costs a linear search per parameter: quadratic over a many-row statement). PostgreSQL: one statement per table.
    /// </summary>
    public static async Task StoreAssignmentsAsync(
        ParleyDb db, IReadOnlyList<Conversation> conversations, IReadOnlyList<Message> joined, IReadOnlyList<ReportingEvent> assigned, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return;
        }

        var updated = await ExecuteAsync(db, AssignSql, conversations.Select(c => new object?[]
        {
            c.Id, c.Status, c.AssigneeId, c.AssignedAt, c.UpdatedAt, c.LastSeq, c.AssignmentReason, c.Version, ConversationStatus.Queued,
        }), cancellationToken);
        if (updated != conversations.Count)
        {
            throw new DbUpdateConcurrencyException($"Assigned {updated} of {conversations.Count} conversations: the others changed since they were read.");
        }

        await InsertJoinedAsync(db, joined, cancellationToken);
        await ExecuteAsync(db, ReportedSql, assigned.Select(r => new object?[]
        {
            r.AccountId, r.ConversationId, r.Name, r.Value, r.AdvisorId, r.Detail, r.OccurredAt, r.IsPublic,
        }), cancellationToken);
    }

    /// <summary>
    /// Takes the conversations' row locks (PostgreSQL, in id order, as <see cref="LockConversationsAsync"/>) and reads their
    /// versions; a conversation that no longer exists is absent. A routing batch keeps the copies its plan read whose
    /// version is still the one read, and reads only the others again. SQLite: one prepared lookup by id per conversation.
    /// </summary>
    public static async Task<Dictionary<long, long>> LockVersionsAsync(ParleyDb db, IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<long, long>(conversationIds.Count);
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            using var read = new SqliteStatement(sqlite, "SELECT version FROM conversations WHERE id = ?1");
            foreach (var id in conversationIds)
            {
                read.Bind(1, id);
                if (read.ReadInt64() is { } version)
                {
                    versions[id] = version;
                }
            }

            return versions;
        }

        await using var command = db.Command();
        command.CommandText = $"SELECT id, version FROM conversations WHERE {command.AddIdSet("@l", "id", conversationIds)} ORDER BY id FOR UPDATE";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    /// <summary>
    /// A statement over rows in both forms: SQLite's for one row (values <c>?1…?n</c>), PostgreSQL's over a row source
    /// <c>v(column1…columnN)</c> of the <see cref="Types"/> (<see cref="Sql.AddColumns"/>: one array per column).
    /// </summary>
    private sealed record RowStatement(string Sqlite, string[] Types, Func<string, string> Postgres);

    private static readonly RowStatement AssignSql = new(
        // bot_state and resolved_at: ConversationLifecycle.Assign clears both. The version read is the new one less one.
        "UPDATE conversations SET status = ?2, assignee_id = ?3, assigned_at = ?4, updated_at = ?5, last_seq = ?6, assignment_reason = ?7, "
            + "version = ?8, bot_state = NULL, resolved_at = NULL WHERE id = ?1 AND status = ?9 AND version = ?8 - 1",
        ["bigint", "text", "bigint", "timestamptz", "timestamptz", "bigint", "text", "bigint", "text"],
        rows => "UPDATE conversations SET status = v.column2, assignee_id = v.column3, assigned_at = v.column4, updated_at = v.column5, "
            + "last_seq = v.column6, assignment_reason = v.column7, version = v.column8, bot_state = NULL, resolved_at = NULL "
            + $"FROM {rows} WHERE conversations.id = v.column1 AND conversations.status = v.column9 AND conversations.version = v.column8 - 1");

    private const string JoinedColumns = "INSERT INTO messages (conversation_id, inbox_id, seq, author_kind, author_id, author_name, content_type, text, "
        + "payload_json, delivery_status, processed, delivery_attempts, created_at) ";

    private static readonly RowStatement JoinedSql = new(
        JoinedColumns + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        ["bigint", "bigint", "bigint", "text", "bigint", "text", "text", "text", "text", "text", "boolean", "integer", "timestamptz"],
        rows => $"{JoinedColumns}SELECT * FROM {rows} RETURNING id, conversation_id, seq");

    private const string ReportedColumns = "INSERT INTO reporting_events (account_id, conversation_id, name, value, advisor_id, detail, occurred_at, is_public) ";

    private static readonly RowStatement ReportedSql = new(
        ReportedColumns + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        ["bigint", "bigint", "text", "double precision", "bigint", "text", "timestamptz", "boolean"],
        rows => $"{ReportedColumns}SELECT * FROM {rows}");

    /// <summary>Runs the statement over the rows; returns how many rows it wrote.</summary>
    private static async Task<int> ExecuteAsync(ParleyDb db, RowStatement statement, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            using var prepared = new SqliteStatement(sqlite, statement.Sqlite);
            return rows.Sum(row => prepared.Bind(row).Run());
        }

        await using var command = db.Command();
        command.CommandText = statement.Postgres(command.AddColumns("v", "v", statement.Types, rows.ToList()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Inserts the "joined" messages and sets their ids.</summary>
    private static async Task InsertJoinedAsync(ParleyDb db, IReadOnlyList<Message> joined, CancellationToken cancellationToken)
    {
        static object?[] Row(Message m) =>
            [m.ConversationId, m.InboxId, m.Seq, m.AuthorKind, m.AuthorId, m.AuthorName, m.ContentType, m.Text, m.PayloadJson, m.DeliveryStatus, m.Processed, m.DeliveryAttempts, m.CreatedAt];

        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            using var prepared = new SqliteStatement(sqlite, JoinedSql.Sqlite);
            foreach (var m in joined)
            {
                m.Id = prepared.Bind(Row(m)).Insert();
            }

            return;
        }

        var bySeq = joined.ToDictionary(m => (m.ConversationId, m.Seq));
        await using var command = db.Command();
        command.CommandText = JoinedSql.Postgres(command.AddColumns("v", "v", JoinedSql.Types, joined.Select(Row).ToList()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            bySeq[(reader.GetInt64(1), reader.GetInt64(2))].Id = reader.GetInt64(0);
        }
    }
}
