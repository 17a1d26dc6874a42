using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>A delivery a worker leased: it may send it until the lease runs out.</summary>
public sealed record LeasedDelivery(long Id, long MessageId, long ConversationId, long InboxId, int Attempts);

/// <summary>
/// The outbound deliveries' SQL, for both dialects (see <see cref="EngineStore"/> for the conventions). The rules it
/// states in SQL are those of <see cref="OutboundDispatcher"/>: a conversation's deliveries go one after the other, so a
/// conversation is ready only when its oldest pending delivery is due and leased by nobody.
/// </summary>
internal static class DeliveryStore
{
    /// <summary>
    /// Leases the first <paramref name="perConversation"/> pending deliveries of up to <paramref name="conversations"/>
    /// ready conversations (oldest first) to <paramref name="node"/>, and returns them in order (conversation, then id).
    /// </summary>
    /// <remarks>
    /// On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, which re-reads each row's lease once it holds its lock:
    /// two nodes leasing at once never lease the same row, and the one that comes second skips the rows of the first.
    /// Every row of a conversation that one node leased fails the lease test for the others, and the conversation's head
    /// too, so no other node starts on that conversation before the first one is done with it.
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
        command.Add("@pending", DeliveryState.Pending);
        var free = "(lease_until IS NULL OR lease_until < @now)";
        var locked = db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        command.CommandText = $"""
            WITH heads AS (
                SELECT conversation_id, MIN(id) AS head FROM deliveries WHERE status = @pending GROUP BY conversation_id
            ), ready AS (
                SELECT h.conversation_id FROM heads h JOIN deliveries d ON d.id = h.head
                WHERE d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now)
                ORDER BY h.head LIMIT @conversations
            ), firsts AS (
                SELECT id FROM (
                    SELECT id, ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY id) AS n
                    FROM deliveries WHERE status = @pending AND conversation_id IN (SELECT conversation_id FROM ready)
                ) numbered WHERE n <= @per
            )
            UPDATE deliveries SET lease_until = @until, leased_by = @node
            WHERE id IN (SELECT id FROM deliveries WHERE id IN (SELECT id FROM firsts) AND status = @pending AND {free}{locked})
            RETURNING id, message_id, conversation_id, inbox_id, attempts
            """;
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

    /// <summary>When the next pending delivery falls due (null: none is pending).</summary>
    public static async Task<DateTime?> NextDueAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var command = db.Command("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = @pending");
        command.Add("@pending", DeliveryState.Pending);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : DateTime.SpecifyKind(Convert.ToDateTime(value, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    /// <summary>Records what happened to leased deliveries, and shows it on their messages, in the caller's transaction.</summary>
    /// <remarks>
    /// Only the node that holds a delivery's lease settles it (<c>leased_by</c>): a node whose lease ran out while it was
    /// sending finds its settlement ignored, and the node that took over decides.
    /// </remarks>
    /// <returns>The settlements that applied.</returns>
    public static async Task<List<Settlement>> SettleAsync(ParleyDb db, string node, IReadOnlyList<Settlement> settlements, DateTime now, CancellationToken cancellationToken)
    {
        var applied = new List<Settlement>(settlements.Count);
        foreach (var s in settlements)
        {
            await using var command = db.Command();
            command.Add("@id", s.DeliveryId);
            command.Add("@node", node);
            command.Add("@now", now);
            command.Add("@error", s.Error);
            command.CommandText = s.Kind switch
            {
                SettlementKind.Sent => "UPDATE deliveries SET status = @status, attempts = attempts + 1, provider_message_id = @provider, "
                    + "lease_until = NULL, leased_by = NULL, last_error = NULL, updated_at = @now WHERE id = @id AND leased_by = @node",
                SettlementKind.Failed => "UPDATE deliveries SET status = @status, attempts = attempts + 1, last_error = @error, "
                    + "lease_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id AND leased_by = @node",
                SettlementKind.Retry => "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error, "
                    + "lease_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id AND leased_by = @node",
                _ => "UPDATE deliveries SET lease_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id AND leased_by = @node",
            };
            command.Add("@status", s.Kind == SettlementKind.Sent ? DeliveryState.Sent : DeliveryState.Failed);
            command.Add("@provider", s.ProviderMessageId);
            command.Add("@next", s.NextAttemptAt ?? now);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                continue;
            }

            applied.Add(s);
            if (s.Kind is SettlementKind.Sent or SettlementKind.Failed)
            {
                await using var message = db.Command(
                    "UPDATE messages SET delivery_status = @status, channel_message_id = COALESCE(@provider, channel_message_id), "
                    + "failure_reason = @error, delivery_attempts = delivery_attempts + 1 WHERE id = @id AND delivery_status = @pending");
                message.Add("@id", s.MessageId);
                message.Add("@status", s.Kind == SettlementKind.Sent ? DeliveryStatus.Sent : DeliveryStatus.Failed);
                message.Add("@provider", s.ProviderMessageId);
                message.Add("@error", s.Kind == SettlementKind.Failed ? s.Error : null);
                message.Add("@pending", DeliveryStatus.Pending);
                await message.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return applied;
    }
}
