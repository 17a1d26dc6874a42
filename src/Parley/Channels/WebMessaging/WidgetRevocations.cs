using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// The contacts whose widget sessions were revoked, as this node knows them: every <see cref="PollInterval"/> one query
/// reads the contacts revoked within the refresh lifetime (older tokens have expired anyway; a partial index keeps it
/// cheap, and revocations are rare), and the node that revokes learns it at once. Checking a token then costs a lookup in
/// memory, not a database read per request.
/// </summary>
public sealed class WidgetRevocations(IDbContextFactory<ParleyDb> dbs, TimeProvider clock, IOptions<WidgetSessionOptions> options) : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly Lock _changing = new();
    private volatile Dictionary<long, DateTime>? _revoked;
    private long _polledAt;

    /// <summary>When the contact's sessions were last revoked, if within the refresh lifetime; null when never.</summary>
    public async ValueTask<DateTime?> RevokedAtAsync(long contactId, CancellationToken ct)
    {
        var revoked = _revoked;
        if (revoked is null || Environment.TickCount64 - Interlocked.Read(ref _polledAt) >= (long)PollInterval.TotalMilliseconds)
        {
            revoked = await PollAsync(revoked is null, ct);
        }

        return revoked.TryGetValue(contactId, out var at) ? at : null;
    }

    /// <summary>What the node that revoked knows at once, before its next poll.</summary>
    public void Add(long contactId, DateTime revokedAt)
    {
        lock (_changing)
        {
            var next = new Dictionary<long, DateTime>(_revoked ?? []) { [contactId] = revokedAt };
            _revoked = next;
        }
    }

    public void Dispose() => _polling.Dispose();

    /// <summary>Reads the revocations again; a caller that finds a read under way uses what is known (unless nothing is).</summary>
    private async Task<Dictionary<long, DateTime>> PollAsync(bool mustWait, CancellationToken ct)
    {
        if (!await _polling.WaitAsync(mustWait ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, ct))
        {
            return _revoked!;
        }

        try
        {
            if (_revoked is { } fresh && Environment.TickCount64 - Interlocked.Read(ref _polledAt) < (long)PollInterval.TotalMilliseconds)
            {
                return fresh;
            }

            var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.RefreshLifetime;
            await using var db = await dbs.CreateDbContextAsync(ct);
            var rows = await db.Contacts.AsNoTracking()
                .Where(c => c.SessionsRevokedAt != null && c.SessionsRevokedAt > cutoff)
                .Select(c => new { c.Id, c.SessionsRevokedAt })
                .ToListAsync(ct);
            lock (_changing)
            {
                var next = rows.ToDictionary(r => r.Id, r => r.SessionsRevokedAt!.Value);
                foreach (var (id, at) in _revoked ?? [])
                {
                    // A revocation this node made after the read began is kept.
                    if (!next.TryGetValue(id, out var read) || read < at)
                    {
                        next[id] = at;
                    }
                }

                _revoked = next;
                Interlocked.Exchange(ref _polledAt, Environment.TickCount64);
                return next;
            }
        }
        finally
        {
            _polling.Release();
        }
    }
}
