using Parley.Data;

namespace Parley.Bots.External;

public sealed partial class ExternalBotDispatcher
{
    private const string Open = "sent_at IS NULL AND failed_at IS NULL";

    /// <summary>
    /// Leases the oldest open event of each conversation whose turn it is (due, not held by a node), for conversations
    /// whose account has an enabled endpoint. On PostgreSQL two nodes may pick the same event: the conditional update lets
    /// one of them have it.
    /// </summary>
    private async Task<List<LeasedEvent>> LeaseAsync(CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var command = db.Command();
        command.Add("@now", now);
        command.Add("@until", now + options.Value.Timeout + TimeSpan.FromSeconds(30));
        command.Add("@node", _node);
        command.Add("@batch", Batch);
        command.CommandText = $"""
            UPDATE bot_events SET lease_until = @until, leased_by = @node
            WHERE id IN (
                SELECT e.id FROM bot_events e JOIN bot_endpoints p ON p.account_id = e.account_id AND p.enabled = @enabled
                WHERE e.{Open} AND e.next_attempt_at <= @now AND (e.lease_until IS NULL OR e.lease_until < @now)
                    AND NOT EXISTS (SELECT 1 FROM bot_events o WHERE o.conversation_id = e.conversation_id AND o.{Open} AND o.id < e.id)
                ORDER BY e.id LIMIT @batch)
                AND {Open} AND (lease_until IS NULL OR lease_until < @now)
            RETURNING id
            """;
        command.Add("@enabled", true);
        var ids = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var read = await dbs.CreateDbContextAsync(cancellationToken);
        return [.. read.BotEvents.Where(e => ids.Contains(e.Id))
            .Join(read.BotEndpoints, e => e.AccountId, p => p.AccountId, (e, p) => new LeasedEvent(e.Id, e.Kind, e.Body, e.Attempts, p.Url, p.Secret))];
    }

    private async Task SettleAsync(long id, bool sent, string? error, DateTime? nextAttempt, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await using var command = db.Command();
        var now = clock.GetUtcNow().UtcDateTime;
        command.Add("@id", id);
        command.Add("@node", _node);
        command.Add("@now", now);
        command.Add("@error", error);
        command.Add("@next", nextAttempt ?? now);
        command.CommandText = sent
            ? "UPDATE bot_events SET sent_at = @now, attempts = attempts + 1, lease_until = NULL, leased_by = NULL, last_error = NULL WHERE id = @id AND leased_by = @node"
            : nextAttempt is null
                ? "UPDATE bot_events SET failed_at = @now, attempts = attempts + 1, lease_until = NULL, leased_by = NULL, last_error = @error WHERE id = @id AND leased_by = @node"
                : "UPDATE bot_events SET next_attempt_at = @next, attempts = attempts + 1, lease_until = NULL, leased_by = NULL, last_error = @error WHERE id = @id AND leased_by = @node";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
