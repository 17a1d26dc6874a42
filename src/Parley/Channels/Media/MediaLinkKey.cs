using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Channels.Media;

/// <summary>
/// The HMAC key that signs file links, shared by every node: one settings row (<see cref="SettingKey"/>), its value
/// protected with Data Protection (the key ring in the database, as connection secrets are). The first node to need it
/// creates it; a node that loses the race reads the winner's. Read once per node, then kept in memory.
/// </summary>
public sealed class MediaLinkKey(IDbContextFactory<ParleyDb> dbs, IDataProtectionProvider protection) : IDisposable
{
    public const string SettingKey = "media_link_key";

    private readonly IDataProtector _protector = protection.CreateProtector("Parley.Channels.Media.LinkKey.v1");
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct)
    {
        if (_key is { } known)
        {
            return known;
        }

        await _loading.WaitAsync(ct);
        try
        {
            return _key ??= await LoadOrCreateAsync(ct);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var stored = await db.Settings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
            if (stored is not null)
            {
                return _protector.Unprotect(Convert.FromBase64String(stored));
            }

            db.Settings.Add(new Setting { Key = SettingKey, Value = Convert.ToBase64String(_protector.Protect(RandomNumberGenerator.GetBytes(32))) });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another node created it first: read theirs.
            }
        }

        throw new InvalidOperationException("The file link key could not be read or created.");
    }

    public void Dispose() => _loading.Dispose();
}
