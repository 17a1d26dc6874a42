using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>Where a public message goes: the customer's thread under a stored post, answering a comment or the post.</summary>
/// <param name="ParentChannelMessageId">The platform id of the comment it replies to; null for a comment on the post itself.</param>
public sealed record PublicThread(long PostId, string? ParentChannelMessageId);

/// <summary>What a network told of a post a thread hangs on; every field but the id may be unknown.</summary>
public sealed record PublicPost(
    string PlatformPostId,
    bool ByBrand,
    string? AuthorId = null,
    string? AuthorName = null,
    string? Text = null,
    string? Permalink = null,
    string? MediaUrl = null,
    DateTime? PostedAt = null);

/// <summary>
/// Public conversations in the engine: the posts their threads hang on, the customer's edits and deletions, and their
/// routing. A public conversation is never given to the private bot (it would answer in private, or worse, in public):
/// the public bot (<see cref="IPublicBot"/>) answers it or sends it to a queue, and the customer's comment after
/// resolution wakes it again. A thread whose comments were all deleted before anyone (advisor or bot) answered leaves
/// the queue, resolved.
/// </summary>
public sealed class PublicThreads(
    IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationWriter writer, InboxDirectory inboxes, IPublicBot bot, PostDetailsSignal postDetails, TimeProvider clock,
    ILogger<PublicThreads> logger)
{
    public const string WithdrawnNotice = "The customer deleted their comment before anyone answered: the conversation left the queue.";

    /// <summary>The stored post's id, created the first time; what the platform tells later fills in what was unknown.</summary>
    public async Task<long> PostAsync(Inbox inbox, PublicPost post, CancellationToken ct)
    {
        await using (var read = await dbs.CreateDbContextAsync(ct))
        {
            var known = await read.SocialPosts.AsNoTracking().FirstOrDefaultAsync(p => p.InboxId == inbox.Id && p.PlatformPostId == post.PlatformPostId, ct);
            if (known is not null && !Adds(known, post))
            {
                return known.Id;
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var pass = await gate.EnterAsync(ct);
                await using var db = await pass.CreateDbContextAsync(dbs, ct);
                var now = clock.GetUtcNow().UtcDateTime;
                var stored = await db.SocialPosts.FirstOrDefaultAsync(p => p.InboxId == inbox.Id && p.PlatformPostId == post.PlatformPostId, ct);
                if (stored is null)
                {
                    stored = new SocialPost { PlatformPostId = post.PlatformPostId, AccountId = inbox.AccountId, InboxId = inbox.Id, CreatedAt = now };
                    db.SocialPosts.Add(stored);
                }

                stored.ByBrand |= post.ByBrand;
                stored.AuthorId = post.AuthorId ?? stored.AuthorId;
                stored.AuthorName = post.AuthorName ?? stored.AuthorName;
                stored.Text = post.Text ?? stored.Text;
                stored.Permalink = post.Permalink ?? stored.Permalink;
                stored.MediaUrl = post.MediaUrl ?? stored.MediaUrl;
                stored.PostedAt = post.PostedAt ?? stored.PostedAt;
                stored.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                if (stored.Text is null && stored.DetailsFetchedAt is null)
                {
                    postDetails.Ring();
                }

                return stored.Id;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // Another node stored the same post first: take it from there.
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="channelMessageId"/> is the thread's post itself, a visitor's post on the Page, rather than a
    /// comment: Meta answers a visitor post in private by <c>post_id</c>, a comment by <c>comment_id</c>.
    /// </summary>
    public static async Task<bool> IsVisitorPostAsync(IDbContextFactory<ParleyDb> dbs, long? postId, string channelMessageId, CancellationToken ct)
    {
        if (postId is not { } id)
        {
            return false;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.SocialPosts.AnyAsync(p => p.Id == id && !p.ByBrand && p.PlatformPostId == channelMessageId, ct);
    }

    /// <summary>
    /// The platform id of the post whose thread holds the message stored under <paramref name="channelMessageId"/>, or the
    /// id itself when it is a stored post; null when Parley knows neither (X's replies name their parent tweet only).
    /// </summary>
    public async Task<string?> RootOfAsync(Inbox inbox, string channelMessageId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var root = await (from m in db.Messages
                          where m.InboxId == inbox.Id && m.ChannelMessageId == channelMessageId
                          join c in db.Conversations on m.ConversationId equals c.Id
                          join p in db.SocialPosts on c.PostId equals (long?)p.Id
                          select p.PlatformPostId).FirstOrDefaultAsync(ct);
        return root ?? await db.SocialPosts.Where(p => p.InboxId == inbox.Id && p.PlatformPostId == channelMessageId)
            .Select(p => p.PlatformPostId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The comment an advisor's public reply answers: the platform id of the customer's latest comment in the thread that
    /// is not deleted; null when none is left.
    /// </summary>
    public static Task<string?> ReplyTargetAsync(ParleyDb db, long conversationId, CancellationToken ct) =>
        db.Messages.Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer && m.DeletedAt == null && m.ChannelMessageId != null)
            .OrderByDescending(m => m.Seq).Select(m => m.ChannelMessageId).FirstOrDefaultAsync(ct);

    /// <summary>The customer edited a public message: its text changes, marked edited. False when it is not stored.</summary>
    public Task<bool> EditAsync(Inbox inbox, string channelMessageId, string? text, CancellationToken ct) =>
        ChangeAsync(inbox, channelMessageId, (db, conversation, message, events, now) =>
        {
            message.Text = text ?? message.Text;
            message.EditedAt = now;
            return Task.CompletedTask;
        }, ct);

    /// <summary>
    /// The customer deleted a public message: it is marked deleted (kept for the advisors, and processed: a deleted
    /// comment asks nothing). When nothing of the customer's is left and nobody answered, the thread is withdrawn.
    /// </summary>
    public Task<bool> RemoveAsync(Inbox inbox, string channelMessageId, CancellationToken ct) =>
        ChangeAsync(inbox, channelMessageId, async (db, conversation, message, events, now) =>
        {
            message.DeletedAt ??= now;
            message.Processed = true;
            if (!conversation.IsOpen)
            {
                return;
            }

            var left = await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.Id != message.Id
                && (m.AuthorKind == AuthorKind.Advisor || m.AuthorKind == AuthorKind.Bot || (m.AuthorKind == AuthorKind.Customer && m.DeletedAt == null)), ct);
            if (!left)
            {
                writer.Withdraw(db, conversation, WithdrawnNotice, events);
            }
        }, ct);

    /// <summary>
    /// Applies the public bot's step for a customer's message that woke a public conversation (new, or resolved): the bot's
    /// public answer, or a queue (the one it was in, else the step's, else the inbox's default, else the account's first)
    /// with the rule's priority and reason. Called by the processor, which holds the conversation.
    /// </summary>
    public async Task RouteAsync(
        ParleyDb db, Conversation conversation, Message message, List<ConversationEvent> events, List<(long, Func<CancellationToken, Task>)> after,
        CancellationToken ct)
    {
        var inbox = await inboxes.FindAsync(conversation.InboxId, ct)
            ?? throw new InvalidOperationException($"Inbox {conversation.InboxId} of conversation {conversation.Id} is missing.");
        var settings = InboxSettings.Parse(inbox.SettingsJson);
        var step = await bot.OnPublicMessageAsync(db, conversation, inbox, message, ct);
        var reopened = conversation.Status == ConversationStatus.Resolved;
        if (step is PublicStep.Answer answer)
        {
            if (reopened)
            {
                Reporting.Record(db, conversation, ReportingEventNames.Reopened, conversation.LastCustomerMessageAt ?? conversation.UpdatedAt);
                ConversationLifecycle.BackToBot(conversation);
            }

            var turn = new BotTurn([new BotMessage(ContentType.Text, answer.Text)], null, null)
            {
                Resolve = true,
                ReplyTo = answer.ReplyTo,
                Funnel = [new BotFunnelEvent(ReportingEventNames.PublicAutoReply, answer.ReportingDetail)],
            };
            await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, ct);
            if (answer.After is { } work)
            {
                after.Add((conversation.Id, work));
            }

            return;
        }

        var human = (PublicStep.ToHuman)step;
        var queueId = conversation.QueueId ?? human.QueueId ?? settings.DefaultQueueId
            ?? await db.Queues.Where(q => q.AccountId == conversation.AccountId).OrderBy(q => q.Id).Select(q => (long?)q.Id).FirstOrDefaultAsync(ct);
        if (queueId is not { } queue)
        {
            logger.LogWarning("Public conversation {ConversationId} has no queue to go to: its account has none", conversation.Id);
            writer.Touch(conversation);
            return;
        }

        if (reopened)
        {
            Reporting.Record(db, conversation, ReportingEventNames.Reopened, conversation.LastCustomerMessageAt ?? conversation.UpdatedAt);
        }

        conversation.Priority = Math.Max(conversation.Priority, human.Priority);
        writer.Queue(db, conversation, queue, events, human.Reason);
        if (human.Note is { } note)
        {
            writer.AddOutbound(db, conversation, AuthorKind.System, null, ContentType.Text, note, null, events);
        }
    }

    private async Task<bool> ChangeAsync(
        Inbox inbox, string channelMessageId, Func<ParleyDb, Conversation, Message, List<ConversationEvent>, DateTime, Task> change, CancellationToken ct)
    {
        var events = new List<ConversationEvent>();
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var conversationId = await db.Messages
                .Where(m => m.InboxId == inbox.Id && m.ChannelMessageId == channelMessageId && m.AuthorKind == AuthorKind.Customer)
                .Select(m => (long?)m.ConversationId).FirstOrDefaultAsync(ct);
            if (conversationId is not { } id)
            {
                return false;
            }

            var conversation = await EngineStore.LockedExistingConversationAsync(db, id, ct);
            var message = await db.Messages.FirstAsync(m => m.InboxId == inbox.Id && m.ChannelMessageId == channelMessageId, ct);
            if (!conversation.IsPublic)
            {
                logger.LogWarning("A public change named message {MessageId} of private conversation {ConversationId}; ignored", channelMessageId, id);
                return false;
            }

            await change(db, conversation, message, events, clock.GetUtcNow().UtcDateTime);
            writer.Touch(conversation);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            events.Insert(0, new MessageChanged(conversation.AccountId, conversation.Id, MessageDto.From(message)));
        }

        writer.Publish(events);
        return true;
    }

    /// <summary>Whether the platform told something of the post that is not stored yet.</summary>
    private static bool Adds(SocialPost known, PublicPost post) =>
        (post.ByBrand && !known.ByBrand)
        || (post.AuthorId is not null && post.AuthorId != known.AuthorId)
        || (post.AuthorName is not null && post.AuthorName != known.AuthorName)
        || (post.Text is not null && post.Text != known.Text)
        || (post.Permalink is not null && post.Permalink != known.Permalink)
        || (post.MediaUrl is not null && post.MediaUrl != known.MediaUrl)
        || (post.PostedAt is not null && post.PostedAt != known.PostedAt);
}
