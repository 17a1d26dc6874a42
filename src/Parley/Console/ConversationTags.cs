using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>A tag on a conversation (for example "refund", "vip"), put there by an advisor.</summary>
public sealed class ConversationTag
{
    public long ConversationId { get; set; }
    public required string Tag { get; set; }
    public long AccountId { get; set; }
    public long? AddedBy { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The conversation's <c>updated_at</c>, copied by the database's triggers (migration 0029): the list's order.</summary>
    public DateTime? ActivityAt { get; set; }

    /// <summary>Whether the conversation is resolved, copied by the database's triggers (migration 0031).</summary>
    public bool Resolved { get; set; }

    /// <summary>Whether the conversation is public, copied when the tag is added (migration 0031): it never changes.</summary>
    public bool IsPublic { get; set; }
}

/// <summary>A conversation's tags changed: consoles show its row and header again.</summary>
public sealed record TagsChanged(long AccountId, long ConversationId) : ConversationEvent(AccountId, ConversationId);

public enum TagOutcome
{
    Done,
    BadTag,
    NotFound,
    TooMany,
}

/// <summary>Adds and removes tags, for advisors of the conversation's account; every change is announced to the consoles.</summary>
public sealed class ConversationTags(IDbContextFactory<ParleyDb> dbs, ConversationEventHub hub, TimeProvider clock)
{
    public const int MaxLength = 40;
    public const int MaxPerConversation = 20;

    /// <summary>
    /// The one spelling of a tag: trimmed, lowercase, inner spaces single; letters, digits, space, '-' and '_' only, 1 to
    /// <see cref="MaxLength"/> characters. Null when the text is no tag.
    /// </summary>
    public static string? Normalize(string? text)
    {
        var tag = string.Join(' ', (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();
        return tag.Length is > 0 and <= MaxLength && tag.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_') ? tag : null;
    }

    public async Task<TagOutcome> AddAsync(AdvisorSession advisor, long conversationId, string? text, CancellationToken ct)
    {
        if (Normalize(text) is not { } tag)
        {
            return TagOutcome.BadTag;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await AccountOfAsync(db, advisor, conversationId, ct) is not { } accountId)
        {
            return TagOutcome.NotFound;
        }

        var tags = await db.ConversationTags.Where(t => t.ConversationId == conversationId).Select(t => t.Tag).ToListAsync(ct);
        if (tags.Contains(tag))
        {
            return TagOutcome.Done;
        }

        if (tags.Count >= MaxPerConversation)
        {
            return TagOutcome.TooMany;
        }

        db.ConversationTags.Add(new ConversationTag
        {
            ConversationId = conversationId, Tag = tag, AccountId = accountId, AddedBy = advisor.Id, CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same tag added twice at once: it is there.
        }

        Announce(accountId, conversationId);
        return TagOutcome.Done;
    }

    public async Task<TagOutcome> RemoveAsync(AdvisorSession advisor, long conversationId, string? text, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await AccountOfAsync(db, advisor, conversationId, ct) is not { } accountId)
        {
            return TagOutcome.NotFound;
        }

        var tag = Normalize(text);
        if (tag is not null && await db.ConversationTags.Where(t => t.ConversationId == conversationId && t.Tag == tag).ExecuteDeleteAsync(ct) > 0)
        {
            Announce(accountId, conversationId);
        }

        return TagOutcome.Done;
    }

    public async Task<IReadOnlyList<string>> OfAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ConversationTags.AsNoTracking()
            .Where(t => t.ConversationId == conversationId && advisor.AccountIds.Contains(t.AccountId))
            .OrderBy(t => t.Tag).Select(t => t.Tag).ToListAsync(ct);
    }

    private static async Task<long?> AccountOfAsync(ParleyDb db, AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        var accountId = await db.Conversations.Where(c => c.Id == conversationId).Select(c => (long?)c.AccountId).FirstOrDefaultAsync(ct);
        return accountId is { } id && advisor.CanAccess(id) ? id : null;
    }

    private void Announce(long accountId, long conversationId) => hub.Publish(new TagsChanged(accountId, conversationId));
}
