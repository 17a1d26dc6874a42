using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts;

/// <summary>A contact as the console shows it: who they are and where they are known.</summary>
public sealed record ContactCard(long Id, string? Name, string? Email, string? Phone, string? AvatarUrl, IReadOnlyList<ChannelKind> Channels);

/// <summary>One of a contact's conversations, on any channel.</summary>
public sealed record ContactConversation(long Id, ChannelKind Channel, string InboxName, ConversationStatus Status, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The console's reads about contacts, limited to the signed-in advisor's accounts.</summary>
public sealed class ContactQueries(IDbContextFactory<ParleyDb> dbs)
{
    public const int SearchLimit = 20;

    /// <summary>Contacts whose name, email or phone contains the text (at least 2 characters).</summary>
    public async Task<IReadOnlyList<ContactCard>> SearchAsync(AdvisorSession advisor, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length < 2)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = advisor.AccountIds.ToList();
        // Case-insensitive on both databases (PostgreSQL's LIKE is not): both sides lower-cased.
        var pattern = $"%{text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
        var ids = await db.Contacts
            .Where(c => accounts.Contains(c.AccountId)
                && (EF.Functions.Like((c.Name ?? "").ToLower(), pattern, "\\") || EF.Functions.Like((c.Email ?? "").ToLower(), pattern, "\\")
                    || EF.Functions.Like(c.Phone ?? "", pattern, "\\")))
            .OrderByDescending(c => c.Id)
            .Take(SearchLimit)
            .Select(c => c.Id)
            .ToListAsync(ct);
        return await CardsAsync(db, ids, ct);
    }

    public async Task<ContactCard?> CardAsync(AdvisorSession advisor, long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var cards = await CardsAsync(db, [contactId], ct);
        return cards.Count == 1 && await db.Contacts.AnyAsync(c => c.Id == contactId && advisor.AccountIds.Contains(c.AccountId), ct) ? cards[0] : null;
    }

    /// <summary>Every conversation of the contact, on every channel, newest first.</summary>
    public async Task<IReadOnlyList<ContactConversation>> ConversationsAsync(AdvisorSession advisor, long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = advisor.AccountIds.ToList();
        var rows = await db.Conversations.AsNoTracking()
            .Where(c => c.ContactId == contactId && accounts.Contains(c.AccountId))
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new { c.Id, c.Channel, i.Name, c.Status, c.CreatedAt, c.UpdatedAt })
            .OrderByDescending(c => c.Id)
            .Take(100)
            .ToListAsync(ct);
        return rows.Select(r => new ContactConversation(r.Id, r.Channel, r.Name, r.Status, r.CreatedAt, r.UpdatedAt)).ToList();
    }

    private static async Task<List<ContactCard>> CardsAsync(ParleyDb db, List<long> ids, CancellationToken ct)
    {
        var contacts = await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(ct);
        var channels = await db.ContactIdentities.AsNoTracking()
            .Where(i => ids.Contains(i.ContactId))
            .Join(db.Inboxes, i => i.InboxId, x => x.Id, (i, x) => new { i.ContactId, x.Channel })
            .Distinct()
            .ToListAsync(ct);
        return contacts.OrderBy(c => ids.IndexOf(c.Id))
            .Select(c => new ContactCard(c.Id, c.Name, c.Email, c.Phone, c.AvatarUrl,
                channels.Where(x => x.ContactId == c.Id).Select(x => x.Channel).Distinct().Order().ToList()))
            .ToList();
    }
}
