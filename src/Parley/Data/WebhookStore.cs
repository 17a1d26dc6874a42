using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Webhooks;

namespace Parley.Data;

/// <summary>
/// The webhook journal's SQL, for both dialects (conventions of <see cref="Sql"/>). The rules it states are those of
/// <see cref="WebhookJournal"/> and <see cref="WebhookProcessor"/>: a row is leased by the node that processes it, and
/// any node takes over a row whose lease ran out; a processed row is deleted.
/// </summary>
internal static class WebhookStore
{
    private const string Columns = "id, kind, accounts, order_keys, body";

    /// <summary>
    /// Stores received webhooks (<see cref="JournalRow.Of"/>), leased to <paramref name="node"/> until
    /// <paramref name="leaseUntil"/> (null: left for whichever node sweeps first), and returns their ids in the order given.
    /// </summary>
    /// <remarks>Synchronous: the journal's writer has a thread of its own (<see cref="WebhookJournal"/>).</remarks>
    public static long[] Append(ParleyDb db, IReadOnlyList<JournalRow> rows, string node, DateTime now, DateTime? leaseUntil)
    {
        using var command = db.Command();
        command.Add("@now", now);
        command.Add("@until", leaseUntil);
        command.Add("@node", leaseUntil is null ? null : node);
        const string Insert = "INSERT INTO webhook_events (kind, accounts, order_keys, body, received_at, lease_until, leased_by) ";

        // Ids are given in the order the rows are inserted (SQLite's AUTOINCREMENT and PostgreSQL's identity alike), so the
        // sorted ids line up with the webhooks whatever order RETURNING lists them in.
        if (db.Database.IsNpgsql())
        {
            // One short statement whatever the batch's size, four arrays bound: the server parses no row per webhook.
            command.Add("@k", rows.Select(r => r.Kind).ToArray());
            command.Add("@a", rows.Select(r => r.Accounts).ToArray());
            command.Add("@o", rows.Select(r => r.OrderKeys).ToArray());
            command.Add("@b", rows.Select(r => r.Body).ToArray());
            command.CommandText = Insert + "SELECT k, a, o, b, @now, @until, @node FROM unnest(@k, @a, @o, @b) AS r(k, a, o, b) RETURNING id";
            return Ids(command, rows.Count);
        }

        var values = new System.Text.StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            command.Add($"@k{i}", row.Kind);
            command.Add($"@a{i}", row.Accounts);
            command.Add($"@o{i}", row.OrderKeys);
            command.Add($"@b{i}", row.Body);
            values.Append(i == 0 ? "" : ", ").Append($"(@k{i}, @a{i}, @o{i}, @b{i}, @now, @until, @node)");
        }

        command.CommandText = Insert + $"VALUES {values} RETURNING id";
        return Ids(command, rows.Count);
    }

    private static long[] Ids(DbCommand command, int count)
    {
        var ids = new List<long>(count);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        ids.Sort();
        return [.. ids];
    }

    /// <summary>Leases up to <paramref name="limit"/> due rows that nobody holds, oldest first.</summary>
    public static async Task<List<JournaledWebhook>> LeaseDueAsync(ParleyDb db, string node, DateTime now, DateTime until, int limit, CancellationToken ct)
    {
        await using var command = db.Command();
        command.Add("@now", now);
        command.Add("@until", until);
        command.Add("@node", node);
        command.Add("@limit", limit);
        var locked = db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        command.CommandText = $"""
            UPDATE webhook_events SET lease_until = @until, leased_by = @node
            WHERE id IN (
                SELECT id FROM webhook_events
                WHERE failed_at IS NULL AND (lease_until IS NULL OR lease_until < @now)
                ORDER BY id LIMIT @limit{locked})
            RETURNING {Columns}
            """;
        var leased = new List<JournaledWebhook>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                leased.Add(Read(reader));
            }
        }

        leased.Sort((a, b) => a.Id.CompareTo(b.Id));
        return leased;
    }

    /// <summary>
    /// Keeps these rows this node's for longer (it is alive, and processing them); a lease that ran out meanwhile is left
    /// to whichever node takes it. By id: the journal may hold far more rows than this node is processing.
    /// </summary>
    public static async Task RenewAsync(ParleyDb db, string node, IReadOnlyCollection<long> ids, DateTime now, DateTime until, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var command = db.Command();
        command.CommandText = $"UPDATE webhook_events SET lease_until = @until WHERE {command.AddIdSet("@r", "id", ids)} AND leased_by = @node AND lease_until >= @now";
        command.Add("@until", until);
        command.Add("@node", node);
        command.Add("@now", now);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records what became of processed rows: deleted when their events are stored, else kept, failed, with the error.</summary>
    /// <remarks>Synchronous, as <see cref="Append"/>.</remarks>
    public static void Settle(ParleyDb db, string node, IReadOnlyList<WebhookOutcome> outcomes, DateTime now)
    {
        var done = outcomes.Where(o => o.Error is null).Select(o => o.Id).ToList();
        if (done.Count > 0)
        {
            using var delete = db.Command();
            delete.CommandText = $"DELETE FROM webhook_events WHERE id IN ({delete.AddList("d", done)})";
            delete.ExecuteNonQuery();
        }

        foreach (var failed in outcomes.Where(o => o.Error is not null))
        {
            // Only the lease holder writes: a node that lost its lease leaves the row to the one that took it over.
            using var command = db.Command(
                "UPDATE webhook_events SET last_error = @error, failed_at = @now, lease_until = NULL, leased_by = NULL "
                + "WHERE id = @id AND leased_by = @node");
            command.Add("@id", failed.Id);
            command.Add("@node", node);
            command.Add("@error", failed.Error!.Length > 2000 ? failed.Error[..2000] : failed.Error);
            command.Add("@now", now);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>A received webhook as its journal row stores it.</summary>
    internal sealed record JournalRow(string Kind, string Accounts, string OrderKeys, byte[] Body)
    {
        /// <summary>Made by the request that received it: compressing the body there keeps it off the journal's one writer.</summary>
        public static JournalRow Of(ReceivedWebhook webhook) => new(
            webhook.Kind.ToString(), string.Join('\n', webhook.Accounts), string.Join('\n', webhook.OrderKeys), JournalBody.Pack(webhook.Body));
    }

    private static JournaledWebhook Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.Enum<ChannelKind>(1),
        Split(reader.GetString(2)),
        Split(reader.GetString(3)),
        JournalBody.Unpack((byte[])reader.GetValue(4)));

    private static string[] Split(string joined) => joined.Length == 0 ? [] : joined.Split('\n');
}
