using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;

namespace Parley.Contacts;

/// <summary>
/// A profile that may change a contact: only what the channel vouched for (a site's signature, a platform's API). Name and
/// email replace the contact's; a phone number and a picture are set when given.
/// </summary>
public sealed record ContactProfile(string? Name, string? Email, string? Phone = null, string? AvatarUrl = null);

/// <summary>Finds or creates the contact behind a channel identity (an inbox and the channel's id for the person).</summary>
public sealed class ContactDirectory(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    /// <summary>
    /// The contact known on <paramref name="inbox"/> as <paramref name="externalId"/>, created the first time. A
    /// <paramref name="profile"/> is stored at creation and, for an existing contact, replaces its name and email: pass
    /// one only when the channel vouched for it.
    /// </summary>
    public async Task<long> FindOrCreateAsync(Inbox inbox, string externalId, bool verified, ContactProfile? profile, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var identity = await db.ContactIdentities.AsNoTracking()
                .FirstOrDefaultAsync(i => i.InboxId == inbox.Id && i.ExternalId == externalId, ct);
            if (identity is not null)
            {
                if (profile is not null)
                {
                    await db.Contacts.Where(c => c.Id == identity.ContactId)
                        .ExecuteUpdateAsync(u => u.SetProperty(c => c.Name, profile.Name).SetProperty(c => c.Email, profile.Email)
                            .SetProperty(c => c.Phone, c => profile.Phone ?? c.Phone).SetProperty(c => c.AvatarUrl, c => profile.AvatarUrl ?? c.AvatarUrl), ct);
                }

                return identity.ContactId;
            }

            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var now = clock.GetUtcNow().UtcDateTime;
                var created = new Contact
                {
                    AccountId = inbox.AccountId, Name = profile?.Name, Email = profile?.Email, Phone = profile?.Phone, AvatarUrl = profile?.AvatarUrl, CreatedAt = now,
                };
                db.Contacts.Add(created);
                await db.SaveChangesAsync(ct);
                db.ContactIdentities.Add(new ContactIdentity
                {
                    ContactId = created.Id,
                    InboxId = inbox.Id,
                    ExternalId = externalId,
                    Verified = verified,
                    CreatedAt = now,
                });
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return created.Id;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 2)
            {
                // The same person arrived twice at once (two tabs, a retried webhook): the other one created it.
            }
        }
    }

    /// <summary>The contact of an identity, with the time its sessions were last revoked; null when there is none yet.</summary>
    public async Task<(long ContactId, DateTime? SessionsRevokedAt)?> FindAsync(long inboxId, string externalId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await db.ContactIdentities.AsNoTracking()
            .Where(i => i.InboxId == inboxId && i.ExternalId == externalId)
            .Join(db.Contacts, i => i.ContactId, c => c.Id, (i, c) => new { c.Id, c.SessionsRevokedAt })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Id, found.SessionsRevokedAt);
    }
}
