using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Contacts;

/// <summary>
/// Two contacts found to be one person: the merged one's profile joins the kept one's. Notes all move; a tag the kept
/// contact lacks moves; an attribute the kept contact lacks moves, one it has keeps the kept contact's value.
/// </summary>
public static class ContactProfileMerge
{
    public static async Task MoveAsync(ParleyDb db, long keepId, long mergeId, CancellationToken ct)
    {
        await db.ContactNotes.Where(n => n.ContactId == mergeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.ContactId, keepId), ct);

        var keptTags = db.ContactTags.Where(k => k.ContactId == keepId).Select(k => k.Tag);
        await db.ContactTags.Where(t => t.ContactId == mergeId && keptTags.Contains(t.Tag)).ExecuteDeleteAsync(ct);
        await db.ContactTags.Where(t => t.ContactId == mergeId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ContactId, keepId), ct);

        var keptNames = db.ContactAttributes.Where(k => k.ContactId == keepId).Select(k => k.Name);
        await db.ContactAttributes.Where(a => a.ContactId == mergeId && keptNames.Contains(a.Name)).ExecuteDeleteAsync(ct);
        await db.ContactAttributes.Where(a => a.ContactId == mergeId).ExecuteUpdateAsync(s => s.SetProperty(a => a.ContactId, keepId), ct);
    }
}
