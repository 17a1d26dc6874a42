using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Contacts;

/// <summary>
/// Finds channel identities for many callers at once: the lookups asked for while one read is in flight go in the next,
/// one query per inbox. A webhook of ten customers (stored together, <c>CustomerLines</c>) looks its ten up in one
/// query instead of ten, each with its own context; a lookup asked alone is read at once.
/// </summary>
public sealed class IdentityLookups(IDbContextFactory<ParleyDb> dbs, ILogger<IdentityLookups> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private BatchLoop<Lookup>? _loop;

    private BatchLoop<Lookup> Loop => LazyInitializer.EnsureInitialized(ref _loop, () => new BatchLoop<Lookup>(ReadAsync, MaxBatch));

    /// <summary>The identity <paramref name="externalId"/> on the inbox, or null when there is none yet.</summary>
    public Task<ContactIdentity?> FindAsync(long inboxId, string externalId, CancellationToken ct)
    {
        var lookup = new Lookup(inboxId, externalId, new TaskCompletionSource<ContactIdentity?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!Loop.Add(lookup))
        {
            throw new InvalidOperationException("Parley is shutting down.");
        }

        return lookup.Found.Task.WaitAsync(ct);
    }

    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task ReadAsync(List<Lookup> batch)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            foreach (var inbox in batch.GroupBy(l => l.InboxId))
            {
                var ids = inbox.Select(l => l.ExternalId).Distinct().ToList();
                var found = await db.ContactIdentities.AsNoTracking()
                    .Where(i => i.InboxId == inbox.Key && ids.Contains(i.ExternalId))
                    .ToDictionaryAsync(i => i.ExternalId, StringComparer.Ordinal);
                foreach (var lookup in inbox)
                {
                    lookup.Found.TrySetResult(found.GetValueOrDefault(lookup.ExternalId));
                }
            }
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Looking up {Count} identities failed", batch.Count);
            foreach (var lookup in batch)
            {
                lookup.Found.TrySetException(e);
            }
        }
    }

    private sealed record Lookup(long InboxId, string ExternalId, TaskCompletionSource<ContactIdentity?> Found);
}
