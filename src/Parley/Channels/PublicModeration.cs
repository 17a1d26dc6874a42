using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Channels;

/// <summary>What the console may offer on a public conversation's messages, by network.</summary>
public sealed record PublicAbilities(bool CanLike, bool HasPrivateReplies);

/// <summary>
/// What advisors do to a public conversation on the network, beside replying: hide and unhide a customer's comment, like
/// it, delete a brand reply (<see cref="ModerateAsync"/>), and move the customer to private (<see cref="ReplyInPrivateAsync"/>).
/// Each action is a direct call to the platform (the advisor sees at once what it refused), then recorded in the
/// conversation (a note with the advisor's name) and as a reporting event. Authorised like the other console actions:
/// the conversation's account, and its assignee or a supervisor.
/// </summary>
public sealed partial class PublicModeration(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    ConversationWriter writer,
    ConnectionDirectory connections,
    InboxDirectory inboxes,
    IEnumerable<IPublicPlatform> platforms,
    Microsoft.Extensions.Options.IOptions<XOptions> xOptions,
    TimeProvider clock,
    ILogger<PublicModeration> logger)
{
    public PublicAbilities Abilities(ChannelKind channel) =>
        Platform(channel) is { } p ? new PublicAbilities(p.CanLike(channel), p.HasPrivateReplies(channel)) : new PublicAbilities(false, false);

    public async Task<ActionOutcome> ModerateAsync(AdvisorSession advisor, long conversationId, long messageId, PublicAction action, CancellationToken ct)
    {
        var (target, refusal) = await LoadAsync(advisor, conversationId, messageId, ct);
        if (target is not { } t)
        {
            return ActionOutcome.Fail(refusal!);
        }

        var (conversation, message) = t;
        var problem = action switch
        {
            PublicAction.Delete when message.AuthorKind is not (AuthorKind.Advisor or AuthorKind.Bot) => "Only the brand's own replies can be deleted.",
            PublicAction.Delete when message.DeletedAt is not null => "This reply is already deleted.",
            PublicAction.Delete => null,
            _ when message.AuthorKind != AuthorKind.Customer => "Only the customer's comments can be hidden or liked.",
            _ when message.DeletedAt is not null => "The customer deleted this comment.",
            PublicAction.Like when !Abilities(conversation.Channel).CanLike => $"{PublicReplyRules.ChannelName(conversation.Channel)} does not let a brand like a comment.",
            _ => null,
        };
        problem ??= message.ChannelMessageId is null ? "This message has not reached the network (it has no platform id yet)." : null;
        if (problem is { } why)
        {
            return ActionOutcome.Fail(why);
        }

        if (await CallAsync(conversation, (p, c) => p.ModerateAsync(conversation.Channel, c, action, message.ChannelMessageId!, ct)) is { Ok: false } refused)
        {
            return ActionOutcome.Fail(refused.Error!);
        }

        var network = PublicReplyRules.ChannelName(conversation.Channel);
        var note = action switch
        {
            PublicAction.Hide => $"{advisor.DisplayName} hid the customer's comment on {network}.",
            PublicAction.Unhide => $"{advisor.DisplayName} made the customer's comment visible again on {network}.",
            PublicAction.Like => $"{advisor.DisplayName} liked the customer's comment on {network}.",
            _ => $"{advisor.DisplayName} deleted the brand's reply on {network}.",
        };
        return await RecordAsync(advisor, conversationId, messageId, action.ToString().ToLowerInvariant(), note, (db, c, m, now, events) =>
        {
            switch (action)
            {
                case PublicAction.Hide:
                    m.HiddenAt = now;
                    break;
                case PublicAction.Unhide:
                    m.HiddenAt = null;
                    break;
                case PublicAction.Like:
                    m.LikedAt ??= now;
                    break;
                default:
                    m.DeletedAt ??= now;
                    break;
            }

            return Task.CompletedTask;
        }, ct);
    }

    /// <summary>The public conversation and one of its messages, when the advisor may act on them; else why not.</summary>
    private async Task<((Conversation Conversation, Message Message)? Target, string? Refusal)> LoadAsync(
        AdvisorSession advisor, long conversationId, long messageId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null || !advisor.CanAccess(conversation.AccountId))
        {
            return (null, "Conversation not found.");
        }

        if (!conversation.IsPublic)
        {
            return (null, "Moderation and private replies are for public conversations.");
        }

        if (conversation.AssigneeId is { } assignee && assignee != advisor.Id && !advisor.CanSupervise)
        {
            return (null, "This conversation is assigned to another advisor.");
        }

        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversationId, ct);
        return message is null ? (null, "Message not found.") : ((conversation, message), null);
    }

    private IPublicPlatform? Platform(ChannelKind channel) => platforms.FirstOrDefault(p => p.Handles(channel));

    /// <summary>One direct call to the conversation's network with its connection; network failures come back as refusals.</summary>
    private async Task<PlatformAnswer> CallAsync(Conversation conversation, Func<IPublicPlatform, ConnectionCredentials, Task<PlatformAnswer>> call)
    {
        if (Platform(conversation.Channel) is not { } platform)
        {
            return PlatformAnswer.Refused($"{conversation.Channel} has no public actions.");
        }

        if (await connections.FindByInboxAsync(conversation.InboxId, CancellationToken.None) is not { } connection)
        {
            return PlatformAnswer.Refused("This inbox has no connection to the network: an admin must connect it.");
        }

        try
        {
            return await call(platform, connection);
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning(e, "A public action on conversation {ConversationId} could not reach the network", conversation.Id);
            return PlatformAnswer.Refused($"{PublicReplyRules.ChannelName(conversation.Channel)} could not be reached: {e.Message}");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            return PlatformAnswer.Refused($"{PublicReplyRules.ChannelName(conversation.Channel)} did not answer in time.");
        }
    }

    /// <summary>
    /// Records what the platform accepted: the change to the message, a note with the advisor's name in the conversation
    /// (its time is the note's), and a reporting event (<see cref="ReportingEventNames.PublicAction"/>, detail: the action).
    /// </summary>
    private async Task<ActionOutcome> RecordAsync(
        AdvisorSession advisor, long conversationId, long messageId, string detail, string note,
        Func<ParleyDb, Conversation, Message, DateTime, List<ConversationEvent>, Task> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var events = new List<ConversationEvent>();
                using (var pass = await gate.EnterAsync(ct))
                {
                    await using var db = await pass.CreateDbContextAsync(dbs, ct);
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    var conversation = await EngineStore.LockedExistingConversationAsync(db, conversationId, ct);
                    var message = await db.Messages.FirstAsync(m => m.Id == messageId, ct);
                    var now = clock.GetUtcNow().UtcDateTime;
                    await change(db, conversation, message, now, events);
                    writer.AddOutbound(db, conversation, AuthorKind.System, advisor.DisplayName, ContentType.Text, note, null, events, advisor.Id);
                    Reporting.Record(db, conversation, ReportingEventNames.PublicAction, now, advisorId: advisor.Id, detail: detail);
                    writer.Touch(conversation);
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    events.Insert(0, new MessageChanged(conversation.AccountId, conversation.Id, MessageDto.From(message)));
                }

                writer.Publish(events);
                return ActionOutcome.Success;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
        }
    }
}
