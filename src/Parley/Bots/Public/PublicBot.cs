using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Bots.Public;

/// <summary>
/// The engine's public bot: reads what the rules need (the connection's settings, the stored tone, the author the network
/// described, whether the post is in crisis and whether the thread was answered), decides with <see cref="PublicRules"/>,
/// and, when it answers, sends its private reply once the public answer is stored (<see cref="IPrivateReplies"/>). The
/// outcome of the private reply is noted in the thread for the advisors and in reporting.
/// </summary>
public sealed class PublicBot(
    ConnectionDirectory connections,
    IPrivateReplies privateReplies,
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    ConversationWriter writer,
    TimeProvider clock,
    ILogger<PublicBot> logger) : IPublicBot
{
    public const string PrivateReplySentNote = "The bot sent the customer a private reply: ";
    public const string PrivateReplyFailedNote = "The bot's private reply could not be sent: ";

    public async Task<PublicStep> OnPublicMessageAsync(ParleyDb db, Conversation conversation, Inbox inbox, Message message, CancellationToken cancellationToken)
    {
        var settings = (await connections.FindByInboxAsync(conversation.InboxId, cancellationToken))?.Settings.PublicBot ?? new PublicBotSettings();
        var crisis = conversation.PostId is { } postId
            && await db.SocialPosts.AnyAsync(p => p.Id == postId && p.CrisisSince != null, cancellationToken);
        var answered = await db.Messages.AnyAsync(
            m => m.ConversationId == conversation.Id && (m.AuthorKind == AuthorKind.Bot || m.AuthorKind == AuthorKind.Advisor), cancellationToken);
        // The engine's hot path reads only what every message needs: the stored tone, the author and the comment's id are read here.
        var stored = await db.Messages.AsNoTracking().Where(m => m.Id == message.Id)
            .Select(m => new { m.Sentiment, m.PayloadJson, m.ChannelMessageId }).FirstAsync(cancellationToken);
        var author = MessagePayload.Parse(stored.PayloadJson)?.Author;
        var decision = PublicRules.Decide(settings, new PublicFacts(message.Text, stored.Sentiment, author, crisis, answered));
        if (!decision.BotAnswers)
        {
            var note = decision.Why is { } why ? $"Sent to an advisor: {why}" : null;
            return new PublicStep.ToHuman(settings.QueueId, decision.Priority, decision.ReportingDetail, note);
        }

        var thread = Snapshot(conversation);
        var commentId = stored.ChannelMessageId;
        var text = settings.PrivateReply;
        return new PublicStep.Answer(settings.PublicAnswer, decision.ReportingDetail,
            commentId is null ? null : ct => PrivateReplyAsync(thread, commentId, text, ct), ReplyTo: commentId);
    }

    /// <summary>Sends the private reply (after the public answer is stored) and notes what came of it.</summary>
    private async Task PrivateReplyAsync(Conversation thread, string commentId, string text, CancellationToken ct)
    {
        var result = await privateReplies.SendAsync(thread, commentId, text, ct);
        if (result.Outcome == PrivateReplyOutcome.Unsupported)
        {
            return;
        }

        var events = new List<ConversationEvent>();
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var conversation = await EngineStore.LockedConversationAsync(db, thread.Id, ct);
            if (conversation is null)
            {
                return;
            }

            var sent = result.Outcome == PrivateReplyOutcome.Sent;
            var now = clock.GetUtcNow().UtcDateTime;
            if (sent && await db.Messages.FirstOrDefaultAsync(m => m.ConversationId == thread.Id && m.ChannelMessageId == commentId, ct) is { } comment)
            {
                // Meta takes one private reply per comment: an advisor's "Reply in private" on it is refused, with the reason.
                comment.PrivateReplyAt = now;
            }

            var note = sent ? $"{PrivateReplySentNote}\"{text}\"" : $"{PrivateReplyFailedNote}{result.Problem}";
            writer.AddOutbound(db, conversation, AuthorKind.System, null, ContentType.Text, note, null, events);
            Reporting.Record(db, conversation, ReportingEventNames.PrivateReply, now, detail: sent ? "sent" : "failed");
            writer.Touch(conversation);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        writer.Publish(events);
        logger.LogInformation("Private reply to comment {CommentId} of conversation {ConversationId}: {Outcome}", commentId, thread.Id, result.Outcome);
    }

    /// <summary>What the private reply needs of the thread, detached from the engine's unit of work (it runs after its commit).</summary>
    private static Conversation Snapshot(Conversation c) => new()
    {
        Id = c.Id,
        AccountId = c.AccountId,
        InboxId = c.InboxId,
        ContactId = c.ContactId,
        Channel = c.Channel,
        IsPublic = c.IsPublic,
        PostId = c.PostId,
    };
}
