using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;

namespace Parley.Data;

/// <summary>A delivery a worker leased: it may send it until the lease runs out.</summary>
public sealed record LeasedDelivery(long Id, long MessageId, long ConversationId, long InboxId, int Attempts);

/// <summary>
/// The outbound deliveries' SQL, for both dialects (see <see cref="EngineStore"/> for the conventions). The rules it
/// states in SQL are those of <see cref="OutboundDispatcher"/>: a conversation's deliveries go one after the other, so a
/// conversation is ready only when its oldest pending delivery (its head) is due and leased by nobody, and a node leases
/// a run of consecutive pending deliveries from the head, never one past a delivery another node holds.
/// </summary>
/// <remarks>
/// Every read goes through the partial index <c>ix_deliveries_pending (conversation_id, id) WHERE status = 'Pending'</c>,
/// which is why the status is written as a literal here (a parameter would not match the index's predicate in a plan made
/// for any value): the cost of a lease grows with the conversations that have something pending, not with how much.
/// </remarks>
internal static partial class DeliveryStore
{
    private const string Pending = $"status = '{nameof(DeliveryState.Pending)}'";
    private const string Free = "(lease_until IS NULL OR lease_until < @now)";
    private const string Returned = "RETURNING id, message_id, conversation_id, inbox_id, attempts";

    /// <summary>
    /// Leases up to <paramref name="perConversation"/> consecutive pending deliveries from the head of each of up to
    /// <paramref name="conversations"/> ready conversations (oldest head first) to <paramref name="node"/>, and returns
    /// them in order (conversation, then id).
    /// </summary>
    /// <remarks>
    /// The distinct conversations with pending deliveries are found by skipping through the index (one probe each, however
    /// long their queues), and each one's head is its first entry. On PostgreSQL the ready heads are locked with FOR UPDATE
    /// SKIP LOCKED, which re-reads each head once it holds its lock: of two nodes leasing at once, the second skips the
    /// conversations whose heads the first locked, or finds them leased once the first committed, so it never starts on
    /// a conversation another node holds. A run stops before the first delivery someone still holds (a lease taken over
    /// from a stalled node ends where the stalled node's newer lease begins).
    /// </remarks>
    public static async Task<List<LeasedDelivery>> LeaseAsync(
        ParleyDb db, string node, DateTime now, DateTime leaseUntil, int conversations, int perConversation, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@now", now);
        command.Add("@until", leaseUntil);
        command.Add("@node", node);
        command.Add("@conversations", conversations);
        command.Add("@per", perConversation);
        var locked = db.Database.IsNpgsql() ? " FOR UPDATE OF d SKIP LOCKED" : string.Empty;
        command.CommandText = $"""
            WITH RECURSIVE pending (conversation_id) AS (
                SELECT (SELECT conversation_id FROM deliveries WHERE {Pending} ORDER BY conversation_id LIMIT 1)
                UNION ALL
                SELECT (SELECT d.conversation_id FROM deliveries d WHERE d.{Pending} AND d.conversation_id > p.conversation_id
                    ORDER BY d.conversation_id LIMIT 1)
                FROM pending p WHERE p.conversation_id IS NOT NULL
            ), heads AS (
                SELECT p.conversation_id AS conversation,
                    (SELECT d.id FROM deliveries d WHERE d.{Pending} AND d.conversation_id = p.conversation_id ORDER BY d.id LIMIT 1) AS head
                FROM pending p WHERE p.conversation_id IS NOT NULL
            ), ready AS (
                SELECT h.conversation, h.head FROM heads h JOIN deliveries d ON d.id = h.head
                WHERE d.{Pending} AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now)
                ORDER BY h.head LIMIT @conversations{locked}
            ), spans AS (
                SELECT r.conversation, r.head, {After("r.conversation", "r.head - 1")} AS past FROM ready r
            ), runs AS (
                SELECT s.conversation, s.head, COALESCE((SELECT d.id FROM deliveries d WHERE d.{Pending} AND d.conversation_id = s.conversation
                    AND d.id > s.head AND d.id < s.past AND d.lease_until >= @now ORDER BY d.id LIMIT 1), s.past) AS past
                FROM spans s
            )
            UPDATE deliveries SET lease_until = @until, leased_by = @node
            FROM runs r
            WHERE conversation_id = r.conversation AND {Pending} AND id >= r.head AND id < r.past AND {Free}
            {Returned}
            """;
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Leases the next <paramref name="perConversation"/> pending deliveries of a conversation after <paramref name="after"/>,
    /// the last one <paramref name="node"/> leased and has not settled yet: the node goes on with the conversation without
    /// giving it back. Nothing is leased unless the node still holds <paramref name="after"/> (its lease not run out), or
    /// when any of the next ones is held by someone.
    /// </summary>
    /// <remarks>
    /// While the node holds <paramref name="after"/>, the conversation's head is one of its deliveries, so no other node
    /// can start on the conversation (see <see cref="LeaseAsync"/>), and the deliveries after it are nobody's.
    /// </remarks>
    public static async Task<List<LeasedDelivery>> ContinueAsync(
        ParleyDb db, string node, long conversationId, long after, DateTime now, DateTime leaseUntil, int perConversation, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@now", now);
        command.Add("@until", leaseUntil);
        command.Add("@node", node);
        command.Add("@conversation", conversationId);
        command.Add("@after", after);
        command.Add("@per", perConversation);
        var past = After("@conversation", "@after");
        command.CommandText = $"""
            UPDATE deliveries SET lease_until = @until, leased_by = @node
            WHERE conversation_id = @conversation AND {Pending} AND id > @after AND id < {past} AND {Free}
                AND EXISTS (SELECT 1 FROM deliveries h WHERE h.id = @after AND h.{Pending} AND h.leased_by = @node AND h.lease_until >= @now)
                AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.{Pending} AND o.conversation_id = @conversation
                    AND o.id > @after AND o.id < {past} AND o.lease_until >= @now)
            {Returned}
            """;
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>When the next pending delivery falls due (null: none is pending).</summary>
    public static async Task<DateTime?> NextDueAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command($"SELECT MIN(next_attempt_at) FROM deliveries WHERE {Pending}");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : DateTime.SpecifyKind(Convert.ToDateTime(value, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    /// <summary>
    /// The id just past the first <c>@per</c> pending deliveries of a conversation after <paramref name="after"/> (the
    /// largest id when there are fewer): an index range of at most <c>@per</c> entries.
    /// </summary>
    private static string After(string conversation, string after) =>
        $"COALESCE((SELECT n.id FROM deliveries n WHERE n.{Pending} AND n.conversation_id = {conversation} AND n.id > {after} "
        + $"ORDER BY n.id LIMIT 1 OFFSET @per), {long.MaxValue})";

    private static async Task<List<LeasedDelivery>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var leased = new List<LeasedDelivery>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                leased.Add(new LeasedDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt32(4)));
            }
        }

        leased.Sort((a, b) => a.ConversationId != b.ConversationId ? a.ConversationId.CompareTo(b.ConversationId) : a.Id.CompareTo(b.Id));
        return leased;
    }
}
