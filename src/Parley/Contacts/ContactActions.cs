using Microsoft.EntityFrameworkCore;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts;

public enum RevokeOutcome
{
    Revoked,
    NotFound,
    Forbidden,
}

/// <summary>What supervisors do to a contact, from the console or its JSON API, checked by role and account.</summary>
public sealed class ContactActions(IDbContextFactory<ParleyDb> dbs, WidgetSessions sessions, ContactMerge merge)
{
    /// <summary>
    /// An advisor says two contacts are one person (the same customer on Messenger and WhatsApp): <paramref name="otherId"/>
    /// joins <paramref name="contactId"/>, with its identities and conversations. Both must be of one of the advisor's accounts.
    /// </summary>
    public async Task<MergeOutcome> LinkAsync(AdvisorSession advisor, long contactId, long otherId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = await db.Contacts.Where(c => c.Id == contactId || c.Id == otherId).Select(c => c.AccountId).Distinct().ToListAsync(ct);
        if (accounts.Count != 1 || !advisor.CanAccess(accounts[0]))
        {
            return MergeOutcome.NotFound;
        }

        return await merge.MergeAsync(accounts[0], contactId, otherId, ct);
    }

    /// <summary>Ends every widget session of the contact at once: a blocked customer, a lost device.</summary>
    public async Task<RevokeOutcome> RevokeSessionsAsync(AdvisorSession advisor, long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accountId = await db.Contacts.Where(c => c.Id == contactId).Select(c => (long?)c.AccountId).FirstOrDefaultAsync(ct);
        if (accountId is null || !advisor.CanAccess(accountId.Value))
        {
            return RevokeOutcome.NotFound;
        }

        if (!advisor.CanSupervise)
        {
            return RevokeOutcome.Forbidden;
        }

        await sessions.RevokeAsync(contactId, ct);
        return RevokeOutcome.Revoked;
    }
}
