using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// Inboxes by id and by public key, cached briefly: widget calls are hot, and a channel manager's edit
/// shows within <see cref="Lifetime"/> without a deploy.
/// </summary>
public sealed class InboxDirectory(IDbContextFactory<ParleyDb> dbs, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    public Task<Inbox?> FindAsync(long id, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(("inbox", id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            return await db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        });

    public Task<Inbox?> FindByKeyAsync(string publicKey, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(("inbox-key", publicKey), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            return await db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.PublicKey == publicKey, cancellationToken);
        });

    public void Forget(Inbox inbox)
    {
        cache.Remove(("inbox", inbox.Id));
        cache.Remove(("inbox-key", inbox.PublicKey));
    }
}
