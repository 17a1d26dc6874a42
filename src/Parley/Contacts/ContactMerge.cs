using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Contacts;

public enum MergeOutcome
{
    Merged,
    NotFound,
    SameContact,
}

/// <summary>
/// Makes two contacts of an account one: the same person on Messenger and on WhatsApp, a guest who signed in. The kept
/// contact takes the other's identities and conversations, so every channel's history is one; what the kept one lacks
/// (name, email, phone, picture) comes from the other, which is then deleted. Where both have an open conversation on the
/// same inbox (two website sessions), the other's is resolved and kept as history: one open conversation per inbox.
/// </summary>
public sealed class ContactMerge(IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationEventHub hub, TimeProvider clock)
{
    public async Task<MergeOutcome> MergeAsync(long accountId, long keepId, long mergeId, CancellationToken ct)
    {
        if (keepId == mergeId)
        {
            return MergeOutcome.SameContact;
        }

        var events = new List<ConversationEvent>();
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var contacts = await db.Contacts.Where(c => (c.Id == keepId || c.Id == mergeId) && c.AccountId == accountId).ToListAsync(ct);
            var keep = contacts.FirstOrDefault(c => c.Id == keepId);
            var merge = contacts.FirstOrDefault(c => c.Id == mergeId);
            if (keep is null || merge is null)
            {
                return MergeOutcome.NotFound;
            }

            keep.Name ??= merge.Name;
            keep.Email ??= merge.Email;
            keep.Phone ??= merge.Phone;
            keep.AvatarUrl ??= merge.AvatarUrl;

            var moving = await db.Conversations.Where(c => c.ContactId == mergeId).OrderBy(c => c.Id).ToListAsync(ct);
            await EngineStore.LockConversationsAsync(db, moving.Select(c => c.Id).ToList(), ct);
            // The kept contact's open private conversation per inbox, and open public thread per post, stay the open ones.
            var open = await db.Conversations.Where(c => c.ContactId == keepId && c.Status != ConversationStatus.Resolved)
                .Select(c => new { c.InboxId, c.PostId }).ToListAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var conversation in moving)
            {
                if (conversation.Status != ConversationStatus.Resolved && open.Any(o => o.InboxId == conversation.InboxId && o.PostId == conversation.PostId))
                {
                    ConversationLifecycle.Resolve(conversation, now);
                }

                conversation.ContactId = keepId;
                conversation.UpdatedAt = now;
                conversation.Version++;
                events.Add(ConversationWriter.Changed(conversation));
            }

            await db.SaveChangesAsync(ct);
            await db.ContactIdentities.Where(i => i.ContactId == mergeId).ExecuteUpdateAsync(s => s.SetProperty(i => i.ContactId, keepId), ct);
            await ContactProfileMerge.MoveAsync(db, keepId, mergeId, ct);
            db.Contacts.Remove(merge);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        foreach (var e in events)
        {
            hub.Publish(e);
        }

        return MergeOutcome.Merged;
    }
}
