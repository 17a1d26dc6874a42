using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Connections with their secrets readable, by inbox (to send) and by the platform's id (webhooks), cached like
/// <see cref="InboxDirectory"/>: only connections that exist are cached, so webhook callers cannot fill the cache.
/// </summary>
public sealed class ConnectionDirectory(IDbContextFactory<ParleyDb> dbs, IMemoryCache cache, ConnectionSecrets secrets)
{
    public Task<ConnectionCredentials?> FindByInboxAsync(long inboxId, CancellationToken cancellationToken) =>
        InboxDirectory.FindAsync(cache, dbs, ("connection-inbox", inboxId), db => LoadAsync(db, c => c.InboxId == inboxId, cancellationToken));

    public Task<ConnectionCredentials?> FindAsync(ChannelKind kind, string externalId, CancellationToken cancellationToken) =>
        externalId.Length is 0 or > 128
            ? Task.FromResult<ConnectionCredentials?>(null)
            : InboxDirectory.FindAsync(cache, dbs, ("connection", kind, externalId),
                db => LoadAsync(db, c => c.Kind == kind && c.ExternalId == externalId, cancellationToken));

    /// <summary>Every enabled connection of a kind (X's CRC check names no account, so each secret is tried).</summary>
    public async Task<IReadOnlyList<ConnectionCredentials>> AllAsync(ChannelKind kind, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // Filtered before the join: EF cannot translate a filter on the joined record.
        var rows = await Query(db, c => c.Kind == kind && c.Enabled).ToListAsync(cancellationToken);
        return rows.Select(r => Readable(r.Connection, r.AccountId)).ToList();
    }

    public void Forget(Connection connection)
    {
        cache.Remove(("connection-inbox", connection.InboxId));
        cache.Remove(("connection", connection.Kind, connection.ExternalId));
    }

    private async Task<ConnectionCredentials?> LoadAsync(ParleyDb db, System.Linq.Expressions.Expression<Func<Connection, bool>> match, CancellationToken cancellationToken)
    {
        var row = await Query(db, match).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : Readable(row.Connection, row.AccountId);
    }

    private static IQueryable<Row> Query(ParleyDb db, System.Linq.Expressions.Expression<Func<Connection, bool>>? match = null) =>
        (match is null ? db.Connections : db.Connections.Where(match)).AsNoTracking()
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new Row(c, i.AccountId));

    private ConnectionCredentials Readable(Connection c, long accountId) => new(
        c.Id, c.InboxId, accountId, c.Kind, c.ExternalId,
        secrets.Unprotect(c.AccessToken), secrets.Unprotect(c.AppSecret), secrets.Unprotect(c.VerifyToken),
        c.Enabled, c.RatePerSecond, ConnectionSettings.Parse(c.SettingsJson));

    private sealed record Row(Connection Connection, long AccountId);
}
