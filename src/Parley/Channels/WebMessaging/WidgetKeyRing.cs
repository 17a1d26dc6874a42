using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// The versioned keys that sign widget tokens, one settings row each ("widget_token_key:{id}"), shared by every node.
/// The newest key signs; the others still verify until an admin retires them. Rotating adds a key: sessions signed with
/// the older one keep working and move to the new one at their next refresh. Retiring a key ends the sessions it signed.
/// Each node rereads the ring every <see cref="ReloadInterval"/>, and at once when a token names a newer key than it knows
/// (a forged key id makes it look again at most once a second).
/// </summary>
public sealed class WidgetKeyRing(IDbContextFactory<ParleyDb> dbs) : IDisposable
{
    public const string Prefix = "widget_token_key:";

    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    /// <summary>How soon a token naming an unknown newer key may make the node look again after a look that did not find it.</summary>
    private static readonly TimeSpan MinReloadGap = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _lastMissAt; // Environment.TickCount64 of the last look that did not find the key asked for; 0 = never

    public sealed record KeyInfo(int Id, bool Current);

    /// <summary>The ring as this node knows it; reread when stale, or when <paramref name="keyId"/> is newer than every key known.</summary>
    public async ValueTask<WidgetTokens> TokensAsync(int? keyId, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && !NeedsReload(snapshot, keyId))
        {
            return snapshot.Tokens;
        }

        await _loading.WaitAsync(ct);
        try
        {
            snapshot = _snapshot;
            if (snapshot is null || NeedsReload(snapshot, keyId))
            {
                _snapshot = snapshot = await LoadAsync(ct);
                if (keyId is { } wanted && !snapshot.Tokens.HasKey(wanted))
                {
                    Interlocked.Exchange(ref _lastMissAt, Environment.TickCount64);
                }
            }

            return snapshot.Tokens;
        }
        finally
        {
            _loading.Release();
        }
    }

    public async Task<IReadOnlyList<KeyInfo>> ListAsync(CancellationToken ct)
    {
        var tokens = await ReloadAsync(ct);
        return tokens.KeyIds.Select(id => new KeyInfo(id, id == tokens.CurrentKeyId)).ToList();
    }

    /// <summary>Adds a newer key, which signs from now on (on every node within <see cref="ReloadInterval"/>); returns its id.</summary>
    public async Task<int> RotateAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var next = (await KeyIdsAsync(ct)).DefaultIfEmpty(0).Max() + 1;
            if (await TryAddAsync(next, ct))
            {
                await ReloadAsync(ct);
                return next;
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException("Other nodes kept adding keys at the same time: rotate again.");
            }
        }
    }

    /// <summary>Removes an older key: the tokens it signed stop working. The current key cannot be retired (rotate first).</summary>
    public async Task<bool> RetireAsync(int keyId, CancellationToken ct)
    {
        var ids = await KeyIdsAsync(ct);
        if (!ids.Contains(keyId) || keyId == ids.Max())
        {
            return false;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Settings.Where(s => s.Key == Name(keyId)).ExecuteDeleteAsync(ct);
        await ReloadAsync(ct);
        return true;
    }

    private bool NeedsReload(Snapshot snapshot, int? keyId)
    {
        var now = Environment.TickCount64;
        var lastMiss = Interlocked.Read(ref _lastMissAt);
        return now - snapshot.LoadedAt >= (long)ReloadInterval.TotalMilliseconds
            || (keyId > snapshot.Tokens.CurrentKeyId && (lastMiss == 0 || now - lastMiss >= (long)MinReloadGap.TotalMilliseconds));
    }

    private async Task<WidgetTokens> ReloadAsync(CancellationToken ct)
    {
        var snapshot = await LoadAsync(ct);
        _snapshot = snapshot;
        return snapshot.Tokens;
    }

    private async Task<Snapshot> LoadAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var rows = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(Prefix)).ToListAsync(ct);
            var keys = new Dictionary<int, byte[]>();
            foreach (var row in rows)
            {
                if (int.TryParse(row.Key.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    keys[id] = Convert.FromBase64String(row.Value);
                }
            }

            if (keys.Count > 0)
            {
                return new Snapshot(new WidgetTokens(keys, keys.Keys.Max()), Environment.TickCount64);
            }

            if (!await TryAddAsync(1, ct) && attempt >= 3)
            {
                throw new InvalidOperationException("The widget token key ring could not be created.");
            }
        }
    }

    private async Task<List<int>> KeyIdsAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var names = await db.Settings.AsNoTracking().Where(s => s.Key.StartsWith(Prefix)).Select(s => s.Key).ToListAsync(ct);
        return names.Select(n => int.TryParse(n.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).ToList();
    }

    /// <returns>False when another node added a key of that id first.</returns>
    private async Task<bool> TryAddAsync(int id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.Settings.Add(new Setting { Key = Name(id), Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return false;
        }
    }

    private static string Name(int id) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{id}");

    public void Dispose() => _loading.Dispose();

    private sealed record Snapshot(WidgetTokens Tokens, long LoadedAt);
}
