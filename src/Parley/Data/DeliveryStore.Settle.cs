using System.Data.Common;
using Parley.Channels.Delivery;
using Parley.Conversations;

namespace Parley.Data;

/// <summary>The settlements' statements: what happened to leased deliveries, shown on their messages.</summary>
internal static partial class DeliveryStore
{
    /// <summary>Records what happened to leased deliveries, and shows it on their messages, in the caller's transaction.</summary>
    /// <remarks>
    /// Only the node that holds a delivery's lease settles it (<c>leased_by</c>): a node whose lease ran out while it was
    /// sending finds its settlement ignored, and the node that took over decides. Sent and given-back deliveries, nearly
    /// all of them under load, are written a statement per kind for the whole batch; failures and retries one by one.
    /// </remarks>
    /// <returns>The settlements that applied.</returns>
    public static async Task<List<Settlement>> SettleAsync(ParleyDb db, string node, IReadOnlyList<Settlement> settlements, DateTime now, CancellationToken cancellationToken)
    {
        var applied = new List<Settlement>(settlements.Count);
        var sent = settlements.Where(s => s.Kind == SettlementKind.Sent).ToList();
        if (sent.Count > 0)
        {
            var ids = await SettleSentAsync(db, node, sent, now, cancellationToken);
            applied.AddRange(sent.Where(s => ids.Contains(s.DeliveryId)));
        }

        var released = settlements.Where(s => s.Kind == SettlementKind.Release).ToList();
        if (released.Count > 0)
        {
            await using var release = db.Command();
            release.Add("@node", node);
            release.Add("@now", now);
            release.CommandText = $"UPDATE deliveries SET lease_until = NULL, leased_by = NULL, updated_at = @now "
                + $"WHERE id IN ({release.AddList("r", released.Select(s => s.DeliveryId))}) AND leased_by = @node RETURNING id";
            var ids = await IdsAsync(release, cancellationToken);
            applied.AddRange(released.Where(s => ids.Contains(s.DeliveryId)));
        }

        foreach (var s in settlements.Where(s => s.Kind is SettlementKind.Failed or SettlementKind.Retry))
        {
            if (await SettleOneAsync(db, node, s, now, cancellationToken))
            {
                applied.Add(s);
            }
        }

        await ShowOnMessagesAsync(db, applied.Where(s => s.Kind is SettlementKind.Sent or SettlementKind.Failed).ToList(), cancellationToken);
        return applied;
    }

    /// <returns>The ids of the deliveries this node still held, now sent.</returns>
    private static async Task<HashSet<long>> SettleSentAsync(ParleyDb db, string node, List<Settlement> sent, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@node", node);
        command.Add("@now", now);
        command.Add("@status", DeliveryState.Sent);
        var (provider, ids) = command.AddCaseById("s", sent.Select(s => (s.DeliveryId, s.ProviderMessageId)).ToList());
        command.CommandText = $"UPDATE deliveries SET status = @status, attempts = attempts + 1, provider_message_id = {provider}, "
            + $"lease_until = NULL, leased_by = NULL, last_error = NULL, updated_at = @now WHERE id IN ({ids}) AND leased_by = @node RETURNING id";
        return await IdsAsync(command, cancellationToken);
    }

    private static async Task<HashSet<long>> IdsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<bool> SettleOneAsync(ParleyDb db, string node, Settlement s, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = db.Command();
        command.Add("@id", s.DeliveryId);
        command.Add("@node", node);
        command.Add("@now", now);
        command.Add("@error", s.Error);
        command.Add("@status", DeliveryState.Failed);
        command.Add("@next", s.NextAttemptAt ?? now);
        command.CommandText = s.Kind == SettlementKind.Failed
            ? "UPDATE deliveries SET status = @status, attempts = attempts + 1, last_error = @error, "
                + "lease_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id AND leased_by = @node"
            : "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error, "
                + "lease_until = NULL, leased_by = NULL, updated_at = @now WHERE id = @id AND leased_by = @node";
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Sent or failed, on the messages (a receipt that came first is not undone): one statement per outcome.</summary>
    private static async Task ShowOnMessagesAsync(ParleyDb db, List<Settlement> settled, CancellationToken cancellationToken)
    {
        foreach (var outcome in settled.GroupBy(s => s.Kind))
        {
            var rows = outcome.ToList();
            await using var command = db.Command();
            command.Add("@status", outcome.Key == SettlementKind.Sent ? DeliveryStatus.Sent : DeliveryStatus.Failed);
            command.Add("@pending", DeliveryStatus.Pending);
            var (provider, ids) = command.AddCaseById("p", rows.Select(s => (s.MessageId, s.ProviderMessageId)).ToList());
            var error = outcome.Key == SettlementKind.Failed ? command.AddCaseById("e", rows.Select(s => (s.MessageId, s.Error)).ToList()).Case : "NULL";
            command.CommandText = $"UPDATE messages SET delivery_status = @status, channel_message_id = COALESCE({provider}, channel_message_id), "
                + $"failure_reason = {error}, delivery_attempts = delivery_attempts + 1 WHERE id IN ({ids}) AND delivery_status = @pending";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
