using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>A waiting conversation as routing plans on it: only the columns the planner and its inputs need.</summary>
internal sealed record WaitingRow(long Id, long QueueId, int Priority, DateTime QueuedAt, long AccountId, ChannelKind Channel, bool IsPublic, long ContactId);

internal static partial class EngineStore
{
    /// <summary>
    /// The first <paramref name="limit"/> queued conversations of these queues in planning order (priority, then the
    /// earliest queued, then the id), past the first <paramref name="offset"/>, walked along the partial index
    /// <c>ix_conversations_waiting</c> (0025): no sort of every queued row, and only the planner's columns. The status is a
    /// literal so both databases match the index's predicate. Runs without a transaction: routing reads its snapshot
    /// unlocked.
    /// </summary>
    /// <remarks>
    /// SQLite is told the index (<c>INDEXED BY</c>): without statistics its planner took the queues' index for the
    /// <c>IN</c> list and sorted every queued row of those queues to return the first ones (42 ms against 2 ms for 2,000 of
    /// 20,000 queued, in the <c>sqlite3</c> shell). Walking the waiting index reads at most every queued row in the worst
    /// case (queues few of the waiting belong to), which the sort always read. PostgreSQL has no hint: the statement is the
    /// function <c>routing_waiting</c> (0036), whose own setting forbids the sort; left to statistics that lag a burst of
    /// queued conversations, it read and sorted every queued row of the queues for each window.
    /// </remarks>
    public static async Task<List<WaitingRow>> ReadWaitingAsync(
        ParleyDb db, IReadOnlyCollection<long> queueIds, int limit, CancellationToken cancellationToken, int offset = 0)
    {
        var rows = new List<WaitingRow>();
        if (queueIds.Count == 0)
        {
            return rows;
        }

        await using var command = db.Command();
        command.Add("@limit", limit);
        command.Add("@offset", offset);
        if (db.Database.IsNpgsql())
        {
            command.Add("@queues", queueIds.ToArray());
            command.CommandText = "SELECT * FROM routing_waiting(@queues, @limit, @offset)";
        }
        else
        {
            command.CommandText = WaitingSql(command.AddList("q", queueIds));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new WaitingRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.Utc(3), reader.GetInt64(4),
                reader.Enum<ChannelKind>(5), reader.GetBoolean(6), reader.GetInt64(7)));
        }

        return rows;
    }

    /// <summary>SQLite's statement of <see cref="ReadWaitingAsync"/> over an IN list of queues, with its <c>@limit</c> and <c>@offset</c>.</summary>
    internal static string WaitingSql(string queues) =>
        "SELECT id, queue_id, priority, COALESCE(queued_at, created_at), account_id, channel, is_public, contact_id "
        + $"FROM conversations INDEXED BY ix_conversations_waiting WHERE status = '{nameof(ConversationStatus.Queued)}' AND queue_id IN ({queues}) "
        + "ORDER BY priority DESC, queued_at, id LIMIT @limit OFFSET @offset";
}
