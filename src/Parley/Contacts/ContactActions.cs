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
public sealed class ContactActions(IDbContextFactory<ParleyDb> dbs, WidgetSessions sessions)
{
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
