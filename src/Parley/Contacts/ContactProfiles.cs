using Microsoft.EntityFrameworkCore;
using Parley.Console;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts;

/// <summary>
/// Reads and changes what the brand keeps about a customer: attributes, tags and notes, for the advisors of the
/// contact's account (any role; another brand's people find nothing). A note is removed by its author or a supervisor.
/// </summary>
public sealed class ContactProfiles(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public const int MaxNameLength = 40;
    public const int MaxValueLength = 500;
    public const int MaxAttributes = 50;
    public const int MaxTags = 20;
    public const int MaxNoteLength = 2000;
    public const int NotesShown = 50;

    /// <summary>An attribute's name: trimmed, inner spaces single; letters, digits, space, '-', '_' and '.'; 1 to 40.</summary>
    public static string? NormalizeName(string? text)
    {
        var name = string.Join(' ', (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.') ? name : null;
    }

    public async Task<ContactProfileView?> ReadAsync(AdvisorSession advisor, long contactId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return null;
        }

        var identities = await db.ContactIdentities.AsNoTracking().Where(i => i.ContactId == contactId)
            .Join(db.Inboxes, i => i.InboxId, x => x.Id, (i, x) => new { x.Channel, x.Name, i.ExternalId, i.Verified, i.CreatedAt })
            .OrderBy(i => i.CreatedAt).ToListAsync(ct);
        var attributes = await db.ContactAttributes.AsNoTracking().Where(a => a.ContactId == contactId).OrderBy(a => a.Name).ToListAsync(ct);
        var tags = await db.ContactTags.AsNoTracking().Where(t => t.ContactId == contactId).OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync(ct);
        var notes = await db.ContactNotes.AsNoTracking().Where(n => n.ContactId == contactId).OrderByDescending(n => n.Id).Take(NotesShown).ToListAsync(ct);
        var authorIds = notes.Select(n => n.AuthorId).Concat(attributes.Where(a => a.UpdatedBy != null).Select(a => a.UpdatedBy!.Value)).Distinct().ToList();
        var names = await db.Advisors.AsNoTracking().Where(a => authorIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return new ContactProfileView(
            contactId,
            // A web guest is known by a random id of one browser: it tells an advisor nothing, and stays out of sight.
            identities.Select(i => new IdentityView(i.Channel, i.Name, i.Channel == Channels.ChannelKind.WebMessaging && !i.Verified ? null : i.ExternalId, i.Verified, i.CreatedAt)).ToList(),
            attributes.Select(a => new AttributeView(a.Name, a.Value, a.UpdatedBy is { } by ? names.GetValueOrDefault(by) : null, a.UpdatedAt)).ToList(),
            tags,
            notes.Select(n => new ContactNoteView(n.Id, n.Body, n.AuthorId, names.GetValueOrDefault(n.AuthorId, "An advisor"), n.CreatedAt)).ToList());
    }

    /// <summary>Sets an attribute (a new one, or a new value); an empty value is refused: remove the attribute instead.</summary>
    public async Task<ProfileOutcome> SetAttributeAsync(AdvisorSession advisor, long contactId, string? name, string? value, CancellationToken ct)
    {
        if (NormalizeName(name) is not { } key)
        {
            return ProfileOutcome.BadName;
        }

        value = value?.Trim();
        if (value is not { Length: > 0 and <= MaxValueLength })
        {
            return ProfileOutcome.BadValue;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return ProfileOutcome.NotFound;
        }

        var existing = await db.ContactAttributes.FirstOrDefaultAsync(a => a.ContactId == contactId && a.Name == key, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (existing is null)
        {
            if (await db.ContactAttributes.CountAsync(a => a.ContactId == contactId, ct) >= MaxAttributes)
            {
                return ProfileOutcome.TooMany;
            }

            db.ContactAttributes.Add(new ContactAttribute { ContactId = contactId, Name = key, Value = value, UpdatedBy = advisor.Id, UpdatedAt = now });
        }
        else
        {
            existing.Value = value;
            existing.UpdatedBy = advisor.Id;
            existing.UpdatedAt = now;
        }

        return await SaveAsync(db, ct);
    }

    public async Task<ProfileOutcome> RemoveAttributeAsync(AdvisorSession advisor, long contactId, string? name, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return ProfileOutcome.NotFound;
        }

        var key = NormalizeName(name);
        await db.ContactAttributes.Where(a => a.ContactId == contactId && a.Name == key).ExecuteDeleteAsync(ct);
        return ProfileOutcome.Done;
    }

    /// <summary>Tags are spelled as a conversation's are (<see cref="ConversationTags.Normalize"/>).</summary>
    public async Task<ProfileOutcome> AddTagAsync(AdvisorSession advisor, long contactId, string? text, CancellationToken ct)
    {
        if (ConversationTags.Normalize(text) is not { } tag)
        {
            return ProfileOutcome.BadName;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return ProfileOutcome.NotFound;
        }

        var tags = await db.ContactTags.Where(t => t.ContactId == contactId).Select(t => t.Tag).ToListAsync(ct);
        if (tags.Contains(tag))
        {
            return ProfileOutcome.Done;
        }

        if (tags.Count >= MaxTags)
        {
            return ProfileOutcome.TooMany;
        }

        db.ContactTags.Add(new ContactTag { ContactId = contactId, Tag = tag, AddedBy = advisor.Id, CreatedAt = clock.GetUtcNow().UtcDateTime });
        return await SaveAsync(db, ct);
    }

    public async Task<ProfileOutcome> RemoveTagAsync(AdvisorSession advisor, long contactId, string? text, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return ProfileOutcome.NotFound;
        }

        var tag = ConversationTags.Normalize(text);
        await db.ContactTags.Where(t => t.ContactId == contactId && t.Tag == tag).ExecuteDeleteAsync(ct);
        return ProfileOutcome.Done;
    }

    public async Task<(ProfileOutcome Outcome, long? NoteId)> AddNoteAsync(AdvisorSession advisor, long contactId, string? text, CancellationToken ct)
    {
        var body = text?.Trim();
        if (body is not { Length: > 0 and <= MaxNoteLength })
        {
            return (ProfileOutcome.BadValue, null);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await InScopeAsync(db, advisor, contactId, ct))
        {
            return (ProfileOutcome.NotFound, null);
        }

        var note = new ContactNote { ContactId = contactId, AuthorId = advisor.Id, Body = body, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.ContactNotes.Add(note);
        await db.SaveChangesAsync(ct);
        return (ProfileOutcome.Done, note.Id);
    }

    public async Task<ProfileOutcome> DeleteNoteAsync(AdvisorSession advisor, long contactId, long noteId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var note = await db.ContactNotes.FirstOrDefaultAsync(n => n.Id == noteId && n.ContactId == contactId, ct);
        if (note is null || !await InScopeAsync(db, advisor, contactId, ct))
        {
            return ProfileOutcome.NotFound;
        }

        if (note.AuthorId != advisor.Id && !advisor.CanSupervise)
        {
            return ProfileOutcome.Forbidden;
        }

        db.ContactNotes.Remove(note);
        await db.SaveChangesAsync(ct);
        return ProfileOutcome.Done;
    }

    private static Task<bool> InScopeAsync(ParleyDb db, AdvisorSession advisor, long contactId, CancellationToken ct) =>
        db.Contacts.AnyAsync(c => c.Id == contactId && advisor.AccountIds.Contains(c.AccountId), ct);

    private static async Task<ProfileOutcome> SaveAsync(ParleyDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same attribute or tag added twice at once: one of them is there.
        }

        return ProfileOutcome.Done;
    }
}
