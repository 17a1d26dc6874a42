using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

public sealed record QueueOption(long Id, string Name);

public sealed record ConversationRow(
    long Id,
    string ContactName,
    ChannelKind Channel,
    ConversationStatus Status,
    string? QueueName,
    long? AssigneeId,
    string? AssigneeName,
    string? Preview,
    AuthorKind? PreviewAuthor,
    DateTime LastActivityAt,
    long Unread,
    bool IsPublic = false,
    IReadOnlyList<string>? Tags = null,
    string? Snippet = null,
    DateTime UpdatedAt = default);

/// <summary>The post a public conversation hangs on, as the console shows it above the thread.</summary>
public sealed record PostView(string PlatformPostId, bool ByBrand, string? AuthorName, string? Text, string? Permalink, string? MediaUrl, DateTime? PostedAt);

public sealed record ConversationHeader(
    long Id,
    long AccountId,
    string ContactName,
    string? ContactEmail,
    ChannelKind Channel,
    ConversationStatus Status,
    string? QueueName,
    long? AssigneeId,
    string? AssigneeName,
    long LastSeq,
    long CustomerReadSeq,
    long AdvisorReadSeq,
    long ContactId,
    DateTime? LastCustomerMessageAt = null,
    long InboxId = 0,
    bool IsPublic = false,
    PostView? Post = null,
    long? LinkedConversationId = null);

/// <summary>The console's reads. Every query is limited to the accounts of the signed-in advisor.</summary>
public sealed partial class ConsoleQueries(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public const int PreviewLength = 90;

    public async Task<IReadOnlyList<QueueOption>> QueuesAsync(AdvisorSession advisor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Queues.AsNoTracking()
            .Where(q => advisor.AccountIds.Contains(q.AccountId))
            .OrderBy(q => q.Name)
            .Select(q => new QueueOption(q.Id, q.Name))
            .ToListAsync(ct);
    }

    public async Task<Presence> PresenceAsync(AdvisorSession advisor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Advisors.Where(a => a.Id == advisor.Id).Select(a => a.Presence).FirstOrDefaultAsync(ct);
    }

    public async Task<ConversationHeader?> HeaderAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var c = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (c is null || !advisor.CanAccess(c.AccountId))
        {
            return null;
        }

        var contact = await db.Contacts.AsNoTracking().Where(k => k.Id == c.ContactId).Select(k => new { k.Name, k.Email }).FirstOrDefaultAsync(ct);
        var names = await NamesAsync(db, advisor, [c.QueueId], [c.AssigneeId], ct);
        var post = c.PostId is { } postId
            ? await db.SocialPosts.AsNoTracking().Where(p => p.Id == postId)
                .Select(p => new PostView(p.PlatformPostId, p.ByBrand, p.AuthorName, p.Text, p.Permalink, p.MediaUrl, p.PostedAt)).FirstOrDefaultAsync(ct)
            : null;
        return new ConversationHeader(
            c.Id, c.AccountId, ContactName(contact?.Name, c.ContactId), contact?.Email, c.Channel, c.Status,
            c.QueueId is { } q ? names.Queues.GetValueOrDefault(q) : null,
            c.AssigneeId, c.AssigneeId is { } a ? names.Advisors.GetValueOrDefault(a) : null,
            c.LastSeq, c.CustomerReadSeq, c.AdvisorReadSeq, c.ContactId, c.LastCustomerMessageAt, c.InboxId, c.IsPublic, post,
            c.LinkedConversationId);
    }

    /// <summary>The messages after <paramref name="afterSeq"/>, in order (the whole history from 0).</summary>
    public async Task<IReadOnlyList<MessageDto>> MessagesAsync(AdvisorSession advisor, long conversationId, long afterSeq, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Seq > afterSeq
                && db.Conversations.Any(c => c.Id == conversationId && advisor.AccountIds.Contains(c.AccountId)))
            .OrderBy(m => m.Seq)
            .ToListAsync(ct);
        return messages.Select(MessageDto.From).ToList();
    }

    public async Task<Attachment?> AttachmentAsync(IReadOnlySet<long> accountIds, long attachmentId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Attachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == attachmentId && accountIds.Contains(a.AccountId), ct);
    }

    public static string ContactName(string? name, long contactId) =>
        string.IsNullOrWhiteSpace(name) ? $"Visitor #{contactId}" : name;

    internal static string Preview(ContentType type, string? text, string? payloadJson)
    {
        if (type == ContentType.Attachment && MessagePayload.Parse(payloadJson)?.Attachment is { } attachment)
        {
            return "📎 " + attachment.FileName;
        }

        if (type == ContentType.Cards && MessagePayload.Parse(payloadJson)?.Cards is { Count: > 0 } cards)
        {
            text = "🗂 " + string.Join(" · ", cards.Select(c => c.Title));
        }

        var flat = (text ?? string.Empty).ReplaceLineEndings(" ").Trim();
        return flat.Length <= PreviewLength ? flat : string.Concat(flat.AsSpan(0, PreviewLength - 1), "…");
    }

    internal static async Task<(Dictionary<long, string> Queues, Dictionary<long, string> Advisors)> NamesAsync(
        ParleyDb db, AdvisorSession advisor, IEnumerable<long?> queueIds, IEnumerable<long?> advisorIds, CancellationToken ct)
    {
        // Only the names the rows show, of the advisor's accounts: every queue and advisor of ten brands (a thousand
        // names) was read for each page and each live console's patch.
        var accounts = advisor.AccountIds.ToList();
        var queueList = queueIds.OfType<long>().Distinct().ToList();
        var advisorList = advisorIds.OfType<long>().Distinct().ToList();
        var queues = queueList.Count == 0 ? [] : await db.Queues.AsNoTracking()
            .Where(q => queueList.Contains(q.Id) && accounts.Contains(q.AccountId))
            .ToDictionaryAsync(q => q.Id, q => q.Name, ct);
        var advisors = advisorList.Count == 0 ? [] : await db.Advisors.AsNoTracking()
            .Where(a => advisorList.Contains(a.Id) && db.AdvisorAccounts.Any(x => x.AdvisorId == a.Id && accounts.Contains(x.AccountId)))
            .ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return (queues, advisors);
    }
}
