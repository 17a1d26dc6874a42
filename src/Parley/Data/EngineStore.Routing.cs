using System.Data.Common;
using System.Globalization;
using System.Text;
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
    /// </summary>
    public static async Task StoreAssignmentsAsync(
        ParleyDb db, IReadOnlyList<Conversation> conversations, IReadOnlyList<Message> joined, IReadOnlyList<ReportingEvent> assigned, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return;
        }

        await using (var update = db.Command())
        {
            update.Add("@queued", ConversationStatus.Queued);
            var rows = update.AddRows("c", conversations.Select(c => new object?[]
            {
                c.Id, c.Status, c.AssigneeId, c.AssignedAt, c.UpdatedAt, c.LastSeq, c.AssignmentReason, c.Version,
            }));
            // bot_state and resolved_at: ConversationLifecycle.Assign clears both. The version the caller read is the new one less one.
            update.CommandText = "UPDATE conversations SET status = v.column2, assignee_id = v.column3, assigned_at = v.column4, updated_at = v.column5, "
                + "last_seq = v.column6, assignment_reason = v.column7, version = v.column8, bot_state = NULL, resolved_at = NULL "
                + $"FROM (VALUES {rows}) AS v WHERE conversations.id = v.column1 AND conversations.status = @queued AND conversations.version = v.column8 - 1";
            var updated = await update.ExecuteNonQueryAsync(cancellationToken);
            if (updated != conversations.Count)
            {
                throw new DbUpdateConcurrencyException($"Assigned {updated} of {conversations.Count} conversations: the others changed since they were read.");
            }
        }

        await using (var insert = db.Command())
        {
            var rows = insert.AddRows("m", joined.Select(m => new object?[]
            {
                m.ConversationId, m.InboxId, m.Seq, m.AuthorKind, m.AuthorId, m.AuthorName, m.ContentType, m.Text, m.PayloadJson,
                m.DeliveryStatus, m.Processed, m.DeliveryAttempts, m.CreatedAt,
            }));
            insert.CommandText = "INSERT INTO messages (conversation_id, inbox_id, seq, author_kind, author_id, author_name, content_type, text, payload_json, "
                + $"delivery_status, processed, delivery_attempts, created_at) VALUES {rows} RETURNING id, conversation_id, seq";
            var bySeq = joined.ToDictionary(m => (m.ConversationId, m.Seq));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                bySeq[(reader.GetInt64(1), reader.GetInt64(2))].Id = reader.GetInt64(0);
            }
        }

        await using (var insert = db.Command())
        {
            var rows = insert.AddRows("r", assigned.Select(r => new object?[]
            {
                r.AccountId, r.ConversationId, r.Name, r.Value, r.AdvisorId, r.Detail, r.OccurredAt, r.IsPublic,
            }));
            insert.CommandText = $"INSERT INTO reporting_events (account_id, conversation_id, name, value, advisor_id, detail, occurred_at, is_public) VALUES {rows}";
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Adds one parameter per value and returns the rows' <c>(…), (…)</c> list for a VALUES clause.</summary>
    private static string AddRows(this DbCommand command, string prefix, IEnumerable<object?[]> rows)
    {
        var text = new StringBuilder();
        var r = 0;
        foreach (var row in rows)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < row.Length; c++)
            {
                var name = command.Add(string.Create(CultureInfo.InvariantCulture, $"@{prefix}{r}_{c}"), row[c]).ParameterName;
                text.Append(c == 0 ? "" : ", ").Append(name);
            }

            text.Append(')');
            r++;
        }

        return r == 0 ? throw new ArgumentException("VALUES needs at least one row.", nameof(rows)) : text.ToString();
    }
}
