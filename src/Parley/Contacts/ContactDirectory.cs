using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;

namespace Parley.Contacts;

/// <summary>
/// A profile that may change a contact: only what the channel vouched for (a site's signature, a platform's API). What it
/// gives replaces the contact's; what it leaves out (null) is kept, so one channel never erases what another one gave.
/// </summary>
public sealed record ContactProfile(string? Name, string? Email, string? Phone = null, string? AvatarUrl = null);

/// <summary>Finds or creates the contact behind a channel identity (an inbox and the channel's id for the person).</summary>
/// <remarks>
/// Reads go straight to the database; writes (a new contact, a changed profile) pass the write gate, like every hot writer:
/// on SQLite a writer outside it would wait in SQLite's busy handler, in sleeps of up to 100 ms, behind the engine's.
/// </remarks>
public sealed class ContactDirectory(IDbContextFactory<ParleyDb> dbs, IdentityLookups identities, ContactMerge merge, WriteGate gate, TimeProvider clock)
{
    /// <summary>
    /// The contact known on <paramref name="inbox"/> as <paramref name="externalId"/>, created the first time. A
    /// <paramref name="profile"/> is stored at creation and, for an existing contact, sets what it gives: pass
    /// one only when the channel vouched for it.
    /// </summary>
    public async Task<long> FindOrCreateAsync(Inbox inbox, string externalId, bool verified, ContactProfile? profile, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            // Every read context is let go before the write gate is waited for: the gate's holders need the pool's
            // connections, and a burst of new customers could otherwise hold them all while waiting at the gate.
            if (await identities.FindAsync(inbox.Id, externalId, ct) is { } identity)
            {
                // Platforms send the profile with every message: it is written only when it changes something.
                if (profile is not null && await ChangesAsync(identity.ContactId, profile, ct))
                {
                    using (var pass = await gate.EnterAsync(ct))
                    {
                        await using var write = await pass.CreateDbContextAsync(dbs, ct);
                        await write.Contacts.Where(c => c.Id == identity.ContactId)
                            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Name, c => profile.Name ?? c.Name).SetProperty(c => c.Email, c => profile.Email ?? c.Email)
                                .SetProperty(c => c.Phone, c => profile.Phone ?? c.Phone).SetProperty(c => c.AvatarUrl, c => profile.AvatarUrl ?? c.AvatarUrl), ct);
                    }

                    long? other;
                    await using (var db = await dbs.CreateDbContextAsync(ct))
                    {
                        other = await SamePersonAsync(db, inbox.AccountId, identity.ContactId, externalId, verified, profile, ct);
                    }

                    if (other is { } same)
                    {
                        // A vouched-for email or phone number that another contact has: one person, one contact (the older kept).
                        await merge.MergeAsync(inbox.AccountId, Math.Min(same, identity.ContactId), Math.Max(same, identity.ContactId), ct);
                        return Math.Min(same, identity.ContactId);
                    }
                }

                return identity.ContactId;
            }

            try
            {
                using var pass = await gate.EnterAsync(ct);
                await using var write = await pass.CreateDbContextAsync(dbs, ct);
                await using var transaction = await write.Database.BeginTransactionAsync(ct);
                if (await write.ContactIdentities.Where(i => i.InboxId == inbox.Id && i.ExternalId == externalId).Select(i => (long?)i.ContactId)
                        .FirstOrDefaultAsync(ct) is { } createdMeanwhile)
                {
                    // Another request of the same person created it while this one waited for the gate.
                    return createdMeanwhile;
                }

                var now = clock.GetUtcNow().UtcDateTime;
                var contactId = await SamePersonAsync(write, inbox.AccountId, null, externalId, verified, profile, ct);
                if (contactId is null)
                {
                    var created = new Contact
                    {
                        AccountId = inbox.AccountId, Name = profile?.Name, Email = profile?.Email, Phone = profile?.Phone, AvatarUrl = profile?.AvatarUrl, CreatedAt = now,
                    };
                    write.Contacts.Add(created);
                    await write.SaveChangesAsync(ct);
                    contactId = created.Id;
                }

                write.ContactIdentities.Add(new ContactIdentity
                {
                    ContactId = contactId.Value,
                    InboxId = inbox.Id,
                    ExternalId = externalId,
                    Verified = verified,
                    CreatedAt = now,
                });
                await write.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return contactId.Value;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 2)
            {
                // The same person arrived twice at once (two tabs, a retried webhook): the other one created it.
            }
        }
    }

    /// <summary>Whether <paramref name="profile"/> gives the contact something it does not have yet.</summary>
    private async Task<bool> ChangesAsync(long contactId, ContactProfile profile, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Contacts.AnyAsync(c => c.Id == contactId
            && ((profile.Name != null && profile.Name != c.Name) || (profile.Email != null && profile.Email != c.Email)
                || (profile.Phone != null && profile.Phone != c.Phone) || (profile.AvatarUrl != null && profile.AvatarUrl != c.AvatarUrl)), ct);
    }

    /// <summary>
    /// Another contact of the account that is the same person by what the channels vouched for: the website's verified
    /// user id on another website inbox, a phone number a platform gave (WhatsApp), or an email a site signed.
    /// </summary>
    private static async Task<long?> SamePersonAsync(
        ParleyDb db, long accountId, long? self, string externalId, bool verified, ContactProfile? profile, CancellationToken ct)
    {
        if (verified && externalId.StartsWith("user:", StringComparison.Ordinal)
            && await db.ContactIdentities
                .Where(i => i.ExternalId == externalId && i.Verified && i.ContactId != self)
                .Join(db.Contacts.Where(c => c.AccountId == accountId), i => i.ContactId, c => c.Id, (i, c) => (long?)c.Id)
                .FirstOrDefaultAsync(ct) is { } sameUser)
        {
            return sameUser;
        }

        var phone = profile?.Phone;
        var email = profile?.Email?.Trim().ToLowerInvariant();
        if (phone is null && string.IsNullOrEmpty(email))
        {
            return null;
        }

        // ToLower is translated to SQL's lower() (string.Equals with a comparison is not translated at all).
#pragma warning disable CA1862
        return await db.Contacts
            .Where(c => c.AccountId == accountId && c.Id != self && ((phone != null && c.Phone == phone) || (email != null && email != "" && c.Email != null && c.Email.ToLower() == email)))
            .OrderBy(c => c.Id)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(ct);
#pragma warning restore CA1862
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
