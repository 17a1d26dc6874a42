using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Data;

namespace Parley.Channels;

/// <summary>
/// Inboxes by id, cached briefly: the engine reads one on every message, and a channel manager's edit shows within
/// <see cref="Lifetime"/> without a deploy. Only inboxes that exist are cached, so a caller cannot fill the cache with ids
/// of its choosing. Channels find their inboxes by their own keys (<see cref="WebMessaging.WidgetInboxes"/>, connections).
/// </summary>
public sealed class InboxDirectory(IDbContextFactory<ParleyDb> dbs, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <remarks>
    /// An inbox without bot settings of its own (a social connection nobody configured yet) behaves like its account's
    /// website inbox: the same greeting, topics and business hours.
    /// </remarks>
    public Task<Inbox?> FindAsync(long id, CancellationToken cancellationToken) =>
        FindAsync(cache, dbs, ("inbox", id), async db =>
        {
            var inbox = await db.Inboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
            if (inbox is { SettingsJson: "" })
            {
                inbox.SettingsJson = await db.Inboxes.AsNoTracking()
                    .Where(i => i.AccountId == inbox.AccountId && i.Channel == ChannelKind.WebMessaging && i.SettingsJson != "")
                    .OrderBy(i => i.Id)
                    .Select(i => i.SettingsJson)
                    .FirstOrDefaultAsync(cancellationToken) ?? new InboxSettings().ToJson();
            }

            return inbox;
        });

    public void Forget(long inboxId) => cache.Remove(("inbox", inboxId));

    /// <summary>Reads a row through the cache for <see cref="Lifetime"/>; only rows that exist are kept.</summary>
    internal static async Task<T?> FindAsync<T>(IMemoryCache cache, IDbContextFactory<ParleyDb> dbs, object key, Func<ParleyDb, Task<T?>> load)
        where T : class
    {
        if (cache.TryGetValue(key, out T? cached))
        {
            return cached;
        }

        await using var db = await dbs.CreateDbContextAsync();
        var found = await load(db);
        if (found is not null)
        {
            cache.Set(key, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }

        return found;
    }
}
