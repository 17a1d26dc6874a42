using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Inboxes by id and by public key, cached briefly: widget calls are hot, and a channel manager's edit shows within
/// <see cref="Lifetime"/> without a deploy. Only inboxes that exist are cached, so a caller cannot fill the cache with keys
/// of its choosing; a key that cannot be an inbox key is refused before any lookup.
/// </summary>
public sealed class InboxDirectory(IDbContextFactory<ParleyDb> dbs, IMemoryCache cache)
{
    public const int MaxKeyLength = 64;

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>What a public key looks like: 1 to 64 ASCII letters, digits, '-' or '_'.</summary>
    public static bool IsWellFormedKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public Task<Inbox?> FindAsync(long id, CancellationToken cancellationToken) =>
        FindAsync(("inbox", id), db => db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken));

    public Task<Inbox?> FindByKeyAsync(string publicKey, CancellationToken cancellationToken) =>
        IsWellFormedKey(publicKey)
            ? FindAsync(("inbox-key", publicKey), db => db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.PublicKey == publicKey, cancellationToken))
            : Task.FromResult<Inbox?>(null);

    public void Forget(Inbox inbox)
    {
        cache.Remove(("inbox", inbox.Id));
        cache.Remove(("inbox-key", inbox.PublicKey));
    }

    private async Task<Inbox?> FindAsync(object key, Func<ParleyDb, Task<Inbox?>> load)
    {
        if (cache.TryGetValue(key, out Inbox? cached))
        {
            return cached;
        }

        await using var db = await dbs.CreateDbContextAsync();
        var inbox = await load(db);
        if (inbox is not null)
        {
            cache.Set(key, inbox, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }

        return inbox;
    }
}
