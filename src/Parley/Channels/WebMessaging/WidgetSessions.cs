using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Parley.Contacts;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>Finds or creates the contact behind a widget: a guest by its browser id, a signed-in user by the site's user id.</summary>
public sealed class WidgetSessions(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public static string NewGuestId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValidGuestId(string guestId) =>
        guestId.Length is >= 16 and <= 64 && guestId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public async Task<long> ContactForAsync(Inbox inbox, string externalId, bool verified, string? name, string? email, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var identity = await db.ContactIdentities
                .FirstOrDefaultAsync(i => i.InboxId == inbox.Id && i.ExternalId == externalId, cancellationToken);
            if (identity is not null)
            {
                if (verified && (name is not null || email is not null))
                {
                    // A signed-in customer's profile comes from the site, which vouched for it.
                    var contact = await db.Contacts.FirstAsync(c => c.Id == identity.ContactId, cancellationToken);
                    contact.Name = name ?? contact.Name;
                    contact.Email = email ?? contact.Email;
                    await db.SaveChangesAsync(cancellationToken);
                }

                return identity.ContactId;
            }

            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var created = new Contact { AccountId = inbox.AccountId, Name = name, Email = email, CreatedAt = now };
                db.Contacts.Add(created);
                await db.SaveChangesAsync(cancellationToken);
                db.ContactIdentities.Add(new ContactIdentity
                {
                    ContactId = created.Id,
                    InboxId = inbox.Id,
                    ExternalId = externalId,
                    Verified = verified,
                    CreatedAt = now,
                });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return created.Id;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 2)
            {
                // The same customer opened two tabs at once: the other one created it.
            }
        }
    }
}
