using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Notes;

public sealed record NoteView(long Id, long ConversationId, long AuthorId, string AuthorName, string Body, long AfterSeq, DateTime CreatedAt, IReadOnlyList<long> MentionedIds);

public sealed record MentionView(long Id, long ConversationId, long NoteId, string AuthorName, string Excerpt, DateTime CreatedAt);

public sealed record Mentionable(long Id, string DisplayName);

/// <summary>A note was added to a conversation: consoles showing it re-read its notes (the event carries no text).</summary>
public sealed record NoteAdded(long AccountId, long ConversationId, long NoteId) : ConversationEvent(AccountId, ConversationId);

/// <summary>An advisor was named in a note: their console's mention list re-reads. About no open conversation (id 0).</summary>
public sealed record AdvisorMentioned(long AccountId, long AdvisorId) : ConversationEvent(AccountId, 0);

/// <summary>An advisor's mentions were read (opened from the badge, or their conversation opened): their badge re-reads.</summary>
public sealed record MentionsRead(long AccountId, long AdvisorId) : ConversationEvent(AccountId, 0);

public sealed record NoteOutcome(NoteView? Note, string? Problem, bool NotFound = false);

/// <summary>
/// Internal notes: written by any advisor of the conversation's account, read by the same, never by the customer (they
/// are no messages). <c>@Name</c> names an advisor of the account (<see cref="NoteMentions"/>); each one named gets an
/// unread mention, stored (so a later sign-in still shows it) and announced live through the hub.
/// </summary>
public sealed class ConversationNotes(IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationEventHub hub, TimeProvider clock)
{
    public const int MaxNoteLength = 4000;

    public async Task<NoteOutcome> AddAsync(AdvisorSession advisor, long conversationId, string body, CancellationToken ct)
    {
        body = body.Trim();
        if (body.Length is 0 or > MaxNoteLength)
        {
            return new NoteOutcome(null, $"A note has 1 to {MaxNoteLength} characters.");
        }

        if (Hosting.InputText.Problem(body, "The note", multiline: true) is { } problem)
        {
            return new NoteOutcome(null, problem);
        }

        NoteView view;
        long[] mentioned;
        long accountId;
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
                .Select(c => new { c.AccountId, c.LastSeq }).FirstOrDefaultAsync(ct);
            if (conversation is null || !advisor.CanAccess(conversation.AccountId))
            {
                return new NoteOutcome(null, "Conversation not found.", NotFound: true);
            }

            accountId = conversation.AccountId;
            mentioned = NoteMentions.Find(body, await MentionableAsync(db, accountId, ct)).Where(id => id != advisor.Id).ToArray();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var note = new ConversationNote
            {
                ConversationId = conversationId, AccountId = accountId, AuthorId = advisor.Id, Body = body, AfterSeq = conversation.LastSeq, CreatedAt = now,
            };
            db.ConversationNotes.Add(note);
            await db.SaveChangesAsync(ct);
            db.NoteMentions.AddRange(mentioned.Select(id => new NoteMention
            {
                NoteId = note.Id, AdvisorId = id, ConversationId = conversationId, AccountId = accountId, CreatedAt = now,
            }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            view = new NoteView(note.Id, conversationId, advisor.Id, advisor.DisplayName, body, note.AfterSeq, now, mentioned);
        }

        hub.Publish(new NoteAdded(accountId, conversationId, view.Id));
        foreach (var id in mentioned)
        {
            hub.Publish(new AdvisorMentioned(accountId, id));
        }

        return new NoteOutcome(view, null);
    }

    /// <summary>The conversation's notes, oldest first; null when it is not in the advisor's accounts.</summary>
    public async Task<IReadOnlyList<NoteView>?> ListAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accountId = await db.Conversations.Where(c => c.Id == conversationId).Select(c => (long?)c.AccountId).FirstOrDefaultAsync(ct);
        if (accountId is null || !advisor.CanAccess(accountId.Value))
        {
            return null;
        }

        var notes = await db.ConversationNotes.AsNoTracking().Where(n => n.ConversationId == conversationId).OrderBy(n => n.Id)
            .Join(db.Advisors, n => n.AuthorId, a => a.Id, (n, a) => new { Note = n, a.DisplayName })
            .ToListAsync(ct);
        var ids = notes.Select(n => n.Note.Id).ToList();
        var mentions = (await db.NoteMentions.AsNoTracking().Where(m => ids.Contains(m.NoteId)).Select(m => new { m.NoteId, m.AdvisorId }).ToListAsync(ct))
            .ToLookup(m => m.NoteId, m => m.AdvisorId);
        return notes.Select(n => new NoteView(n.Note.Id, conversationId, n.Note.AuthorId, n.DisplayName, n.Note.Body, n.Note.AfterSeq, n.Note.CreatedAt,
            mentions[n.Note.Id].ToList())).ToList();
    }

    /// <summary>The advisor's unread mentions in their accounts, newest first.</summary>
    public async Task<IReadOnlyList<MentionView>> UnreadMentionsAsync(AdvisorSession advisor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = advisor.AccountIds.ToList();
        var rows = await db.NoteMentions.AsNoTracking()
            .Where(m => m.AdvisorId == advisor.Id && m.ReadAt == null && accounts.Contains(m.AccountId))
            .OrderByDescending(m => m.Id).Take(50)
            .Join(db.ConversationNotes, m => m.NoteId, n => n.Id, (m, n) => new { Mention = m, n.Body, n.AuthorId })
            .Join(db.Advisors, x => x.AuthorId, a => a.Id, (x, a) => new { x.Mention, x.Body, a.DisplayName })
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.Mention.Id)
            .Select(r => new MentionView(r.Mention.Id, r.Mention.ConversationId, r.Mention.NoteId, r.DisplayName, Excerpt(r.Body), r.Mention.CreatedAt)).ToList();
    }

    /// <summary>Marks the advisor's mentions read: one, or every one in a conversation (they opened it). Returns how many.</summary>
    public async Task<int> MarkReadAsync(AdvisorSession advisor, long? mentionId, long? conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var unread = db.NoteMentions
            .Where(m => m.AdvisorId == advisor.Id && m.ReadAt == null && (mentionId == null || m.Id == mentionId) && (conversationId == null || m.ConversationId == conversationId));
        var accounts = await unread.Select(m => m.AccountId).Distinct().ToListAsync(ct);
        if (accounts.Count == 0)
        {
            return 0;
        }

        var read = await unread.ExecuteUpdateAsync(s => s.SetProperty(m => m.ReadAt, now), ct);
        foreach (var accountId in accounts)
        {
            // The advisor's other consoles (another tab, another device) drop the mention too.
            hub.Publish(new MentionsRead(accountId, advisor.Id));
        }

        return read;
    }

    /// <summary>Who can be named in a note of the account: its advisors, by name.</summary>
    public async Task<IReadOnlyList<Mentionable>> MentionableAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accountId = await db.Conversations.Where(c => c.Id == conversationId).Select(c => (long?)c.AccountId).FirstOrDefaultAsync(ct);
        return accountId is { } id && advisor.CanAccess(id) ? await MentionableAsync(db, id, ct) : [];
    }

    private static async Task<IReadOnlyList<Mentionable>> MentionableAsync(ParleyDb db, long accountId, CancellationToken ct) =>
        await db.AdvisorAccounts.Where(a => a.AccountId == accountId)
            .Join(db.Advisors, m => m.AdvisorId, a => a.Id, (_, a) => a)
            .OrderBy(a => a.DisplayName).Select(a => new Mentionable(a.Id, a.DisplayName)).ToListAsync(ct);

    private static string Excerpt(string body) => body.Length <= 120 ? body : string.Concat(body.AsSpan(0, 119), "…");
}
