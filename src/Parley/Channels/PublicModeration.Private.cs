using Microsoft.EntityFrameworkCore;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Channels;

/// <summary>Moving a public conversation to private, and linking the two conversations both ways.</summary>
public sealed partial class PublicModeration
{
    /// <summary>
    /// Answers a customer's comment in private. On Facebook and Instagram: a private reply (once per comment, within 7
    /// days of it) that opens the customer's private conversation, where their answer by direct message arrives. On X:
    /// a public reply inviting the customer to a direct message (<see cref="XOptions.PrivateInvite"/>), with their private
    /// conversation ready for it. Either way the public and the private conversation are linked both ways.
    /// </summary>
    /// <param name="text">The private reply (Facebook, Instagram); X's invitation is the configured text.</param>
    public async Task<ActionOutcome> ReplyInPrivateAsync(AdvisorSession advisor, long conversationId, long messageId, string? text, CancellationToken ct)
    {
        var (target, refusal) = await LoadAsync(advisor, conversationId, messageId, ct);
        if (target is not { } t)
        {
            return ActionOutcome.Fail(refusal!);
        }

        var (conversation, comment) = t;
        if (comment.AuthorKind != AuthorKind.Customer || comment.ChannelMessageId is null)
        {
            return ActionOutcome.Fail("A private reply answers one of the customer's comments.");
        }

        if (comment.DeletedAt is not null)
        {
            return ActionOutcome.Fail("The customer deleted this comment: it can no longer be answered in private.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (PublicReplyRules.PrivateReplyRefusal(conversation.Channel, comment.PrivateReplyAt, comment.CreatedAt, now) is { } late)
        {
            return ActionOutcome.Fail(late);
        }

        var abilities = Abilities(conversation.Channel);
        text = abilities.HasPrivateReplies ? text?.Trim() : xOptions.Value.PrivateInvite;
        if (string.IsNullOrEmpty(text) || text.Length > ConversationActions.MaxReplyLength)
        {
            return ActionOutcome.Fail($"A private reply has 1 to {ConversationActions.MaxReplyLength} characters.");
        }

        if (Hosting.InputText.Problem(text, "The private reply", multiline: true) is { } problem)
        {
            return ActionOutcome.Fail(problem);
        }

        var signed = OutboundMessage.WithSignature(text, AuthorKind.Advisor, advisor.DisplayName);
        if (!abilities.HasPrivateReplies)
        {
            return PublicReplyRules.TextRefusal(conversation.Channel, signed) is { } tooLong
                ? ActionOutcome.Fail(tooLong)
                : await InviteToDirectMessageAsync(advisor, conversation, comment, text, ct);
        }

        if (signed.Length > Meta.MetaSendRules.MaxText)
        {
            return ActionOutcome.Fail($"A private reply has at most {Meta.MetaSendRules.MaxText} characters with the signature.");
        }

        var visitorPost = await PublicThreads.IsVisitorPostAsync(dbs, conversation.PostId, comment.ChannelMessageId, ct);
        var answer = await CallAsync(conversation, (p, c) => p.PrivateReplyAsync(conversation.Channel, c, comment.ChannelMessageId, visitorPost, signed, ct));
        if (!answer.Ok)
        {
            return ActionOutcome.Fail(answer.Error!);
        }

        var note = $"{advisor.DisplayName} replied in private to the customer's comment: the conversation continues in private.";
        return await RecordAsync(advisor, conversation.Id, comment.Id, "private_reply", note, async (db, c, m, at, events) =>
        {
            m.PrivateReplyAt = at;
            var contactId = await IdentityAsync(db, c, answer.RecipientId!, at, ct);
            var continued = await PrivateConversationAsync(db, c, contactId, advisor, events, ct);
            var sent = writer.AddOutbound(db, continued, AuthorKind.Advisor, advisor.DisplayName, ContentType.Text, text, null, events, advisor.Id, sentAlready: true);
            sent.ChannelMessageId = answer.MessageId;
            Await(continued, advisor, events);
        }, ct);
    }

    /// <summary>X: the invitation goes as a public reply through the outbound delivery; the private conversation waits for the DM.</summary>
    private Task<ActionOutcome> InviteToDirectMessageAsync(AdvisorSession advisor, Conversation conversation, Message tweet, string text, CancellationToken ct) =>
        RecordAsync(advisor, conversation.Id, tweet.Id, "dm_invite",
            $"{advisor.DisplayName} invited the customer to continue in a direct message.", async (db, c, m, at, events) =>
            {
                m.PrivateReplyAt = at;
                if (c.AssigneeId is null)
                {
                    await writer.AssignAsync(db, c, await db.Advisors.AsNoTracking().FirstAsync(a => a.Id == advisor.Id, ct), events, ct);
                }

                var invite = writer.AddOutbound(db, c, AuthorKind.Advisor, advisor.DisplayName, ContentType.Text, text, null, events, advisor.Id);
                invite.ParentChannelMessageId = m.ChannelMessageId;
                if (c.AssigneeId == advisor.Id)
                {
                    ConversationLifecycle.AwaitCustomer(c);
                }

                var continued = await PrivateConversationAsync(db, c, c.ContactId, advisor, events, ct);
                writer.AddOutbound(db, continued, AuthorKind.System, advisor.DisplayName, ContentType.Text,
                    $"{advisor.DisplayName} invited the customer from a public tweet: their direct message will arrive here.", null, events, advisor.Id);
                Await(continued, advisor, events);
            }, ct);

    /// <summary>
    /// The contact the private reply reached: the one already known by that id on the inbox, else the commenter's contact,
    /// which gets the id (Meta names the customer by a different id in private messages than in comments).
    /// </summary>
    private static async Task<long> IdentityAsync(ParleyDb db, Conversation conversation, string recipientId, DateTime now, CancellationToken ct)
    {
        if (await db.ContactIdentities.Where(i => i.InboxId == conversation.InboxId && i.ExternalId == recipientId)
                .Select(i => (long?)i.ContactId).FirstOrDefaultAsync(ct) is { } known)
        {
            return known;
        }

        db.ContactIdentities.Add(new ContactIdentity
        {
            ContactId = conversation.ContactId, InboxId = conversation.InboxId, ExternalId = recipientId, Verified = true, CreatedAt = now,
        });
        return conversation.ContactId;
    }

    /// <summary>The contact's open private conversation on the inbox, else a new one given to the advisor; linked to the public one both ways.</summary>
    private async Task<Conversation> PrivateConversationAsync(
        ParleyDb db, Conversation publicConversation, long contactId, AdvisorSession advisor, List<ConversationEvent> events, CancellationToken ct)
    {
        var openId = await db.Conversations
            .Where(c => c.InboxId == publicConversation.InboxId && c.ContactId == contactId && c.PostId == null && c.Status != ConversationStatus.Resolved)
            .Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        Conversation continued;
        if (openId is { } id)
        {
            continued = await EngineStore.LockedExistingConversationAsync(db, id, ct);
        }
        else
        {
            var inbox = await inboxes.FindAsync(publicConversation.InboxId, ct)
                ?? throw new InvalidOperationException($"Inbox {publicConversation.InboxId} is missing.");
            continued = await writer.CreateAsync(db, inbox, contactId, events, ct);
        }

        if (continued.AssigneeId is null)
        {
            await writer.AssignAsync(db, continued, await db.Advisors.AsNoTracking().FirstAsync(a => a.Id == advisor.Id, ct), events, ct);
        }

        continued.LinkedConversationId = publicConversation.Id;
        publicConversation.LinkedConversationId = continued.Id;
        return continued;
    }

    /// <summary>The private conversation now waits for the customer (when it is the advisor's), and says it changed.</summary>
    private void Await(Conversation continued, AdvisorSession advisor, List<ConversationEvent> events)
    {
        if (continued.AssigneeId == advisor.Id && continued.Status == ConversationStatus.Assigned)
        {
            ConversationLifecycle.AwaitCustomer(continued);
        }

        writer.Touch(continued);
        events.Add(ConversationWriter.Changed(continued));
    }
}
