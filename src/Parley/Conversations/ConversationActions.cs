using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Data;
using Parley.Identity;

namespace Parley.Conversations;

public sealed record ActionOutcome(bool Ok, string? Error = null)
{
    public static readonly ActionOutcome Success = new(true);

    public static ActionOutcome Fail(string error) => new(false, error);
}

/// <summary>What people do to a conversation: advisors reply, take over, resolve, read; customers read.</summary>
public sealed class ConversationActions(
    IDbContextFactory<ParleyDb> dbs,
    ConversationWriter writer,
    ConversationEventHub hub,
    RoutingSignal routing,
    WriteGate gate,
    IReplyPolicy policy,
    TimeProvider clock)
{
    public const int MaxReplyLength = 4000;

    public async Task<ActionOutcome> ReplyAsync(AdvisorSession advisor, long conversationId, string text, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Length > MaxReplyLength)
        {
            return ActionOutcome.Fail($"A reply has 1 to {MaxReplyLength} characters.");
        }

        if (Hosting.InputText.Problem(text, "The reply", multiline: true) is { } problem)
        {
            return ActionOutcome.Fail(problem);
        }

        return await SendAsync(advisor, conversationId, text, null, ct);
    }

    /// <summary>
    /// Sends an approved WhatsApp template with the advisor's values (the only message WhatsApp takes outside its 24-hour
    /// window); it shows in the conversation as the customer will read it.
    /// </summary>
    public Task<ActionOutcome> SendTemplateAsync(AdvisorSession advisor, long conversationId, TemplateUse template, string renderedText, CancellationToken ct) =>
        template.Parameters.FirstOrDefault(p => Hosting.InputText.Problem(p, "A template value") is not null) is { } bad
            ? Task.FromResult(ActionOutcome.Fail(Hosting.InputText.Problem(bad, "A template value")!))
            : SendAsync(advisor, conversationId, renderedText, new MessagePayload(Template: template), ct);

    /// <summary>
    /// Sends a file the caller has checked (its type proven by its bytes) as an attachment message named after the file;
    /// the reply rules apply as for text, the file's name standing for the text.
    /// </summary>
    public Task<ActionOutcome> SendAttachmentAsync(AdvisorSession advisor, long conversationId, NewAttachment file, CancellationToken ct) =>
        SendAsync(advisor, conversationId, file.FileName, null, ct, file);

    private Task<ActionOutcome> SendAsync(
        AdvisorSession advisor, long conversationId, string text, MessagePayload? payload, CancellationToken ct, NewAttachment? file = null) =>
        ChangeAsync(advisor, conversationId, async (db, conversation, events) =>
        {
            if (conversation.AssigneeId is { } assignee && assignee != advisor.Id && !advisor.CanSupervise)
            {
                return ActionOutcome.Fail("This conversation is assigned to another advisor.");
            }

            if (await policy.RefusalAsync(conversation, payload, ct) is { } refusal)
            {
                return ActionOutcome.Fail(refusal);
            }

            if (policy.TextRefusal(conversation, text, advisor.DisplayName) is { } tooLong)
            {
                return ActionOutcome.Fail(tooLong);
            }

            // A public conversation's reply goes in public, under the customer's latest comment that is still there.
            var replyTo = conversation.IsPublic ? await PublicThreads.ReplyTargetAsync(db, conversation.Id, ct) : null;
            if (conversation.IsPublic && replyTo is null)
            {
                return ActionOutcome.Fail("The customer deleted every comment of this thread: there is nothing left to reply to in public.");
            }

            if (conversation.AssigneeId is null)
            {
                await writer.AssignAsync(db, conversation, await AdvisorAsync(db, advisor.Id, ct), events, ct);
            }

            var firstReply = !await db.Messages.AnyAsync(m => m.ConversationId == conversation.Id && m.AuthorKind == AuthorKind.Advisor
                && m.CreatedAt >= (conversation.QueuedAt ?? conversation.CreatedAt), ct);
            if (file is not null)
            {
                payload = await StoreAsync(db, conversation, file, ct);
            }

            var content = file is null ? ContentType.Text : ContentType.Attachment;
            var reply = writer.AddOutbound(db, conversation, AuthorKind.Advisor, advisor.DisplayName, content, text, payload, events, advisor.Id);
            reply.ParentChannelMessageId = replyTo;
            var now = clock.GetUtcNow().UtcDateTime;
            if (firstReply)
            {
                Reporting.Record(db, conversation, ReportingEventNames.FirstHumanReply, now,
                    (now - (conversation.QueuedAt ?? conversation.CreatedAt)).TotalSeconds, advisor.Id);
            }

            ConversationLifecycle.AwaitCustomer(conversation);
            conversation.AdvisorReadSeq = Math.Max(conversation.AdvisorReadSeq, conversation.LastSeq);
            writer.Touch(conversation);
            events.Add(ConversationWriter.Changed(conversation));
            return ActionOutcome.Success;
        }, ct);

    /// <summary>A human takes the conversation from the bot or the queue (or, for a supervisor, from a colleague).</summary>
    public Task<ActionOutcome> TakeOverAsync(AdvisorSession advisor, long conversationId, CancellationToken ct) =>
        ChangeAsync(advisor, conversationId, async (db, conversation, events) =>
        {
            if (conversation.AssigneeId == advisor.Id && conversation.Status != ConversationStatus.Resolved)
            {
                return ActionOutcome.Success;
            }

            if (conversation.AssigneeId is not null && conversation.Status != ConversationStatus.Resolved && !advisor.CanSupervise)
            {
                return ActionOutcome.Fail("This conversation is assigned to another advisor.");
            }

            await writer.AssignAsync(db, conversation, await AdvisorAsync(db, advisor.Id, ct), events, ct);
            return ActionOutcome.Success;
        }, ct);

    /// <summary>Manual assignment or transfer to an advisor or a queue, with a note (the rules: Routing/Transfers).</summary>
    public async Task<Routing.TransferOutcome> TransferAsync(AdvisorSession advisor, long conversationId, Routing.TransferRequest request, CancellationToken ct)
    {
        var result = Routing.TransferOutcome.NotFound;
        var outcome = await ChangeAsync(advisor, conversationId, async (db, conversation, events) =>
        {
            result = await Routing.Transfers.ApplyAsync(db, writer, advisor, conversation, request, events, ct);
            return result.Ok ? ActionOutcome.Success : ActionOutcome.Fail(result.Detail!);
        }, ct);
        return outcome.Ok ? Routing.TransferOutcome.Done : result;
    }

    public Task<ActionOutcome> ResolveAsync(AdvisorSession advisor, long conversationId, CancellationToken ct) =>
        ChangeAsync(advisor, conversationId, (db, conversation, events) =>
        {
            if (conversation.Status == ConversationStatus.Resolved)
            {
                return Task.FromResult(ActionOutcome.Success);
            }

            if (conversation.AssigneeId is { } assignee && assignee != advisor.Id && !advisor.CanSupervise)
            {
                return Task.FromResult(ActionOutcome.Fail("Only the assigned advisor or a supervisor can resolve this conversation."));
            }

            var now = clock.GetUtcNow().UtcDateTime;
            ConversationLifecycle.Resolve(conversation, now);
            writer.Touch(conversation);
            Reporting.Record(db, conversation, ReportingEventNames.Resolved, now, (now - conversation.CreatedAt).TotalSeconds, advisor.Id);
            events.Add(ConversationWriter.Changed(conversation));
            return Task.FromResult(ActionOutcome.Success);
        }, ct);

    public Task<ActionOutcome> AdvisorReadAsync(AdvisorSession advisor, long conversationId, long seq, CancellationToken ct) =>
        ChangeAsync(advisor, conversationId, (db, conversation, events) =>
        {
            if (seq > conversation.AdvisorReadSeq && conversation.AssigneeId == advisor.Id)
            {
                conversation.AdvisorReadSeq = Math.Min(seq, conversation.LastSeq);
                writer.Touch(conversation);
                events.Add(new ReadUpTo(conversation.AccountId, conversation.Id, AuthorKind.Advisor, conversation.AdvisorReadSeq));
            }

            return Task.FromResult(ActionOutcome.Success);
        }, ct);

    public async Task<ActionOutcome> AdvisorTypingAsync(AdvisorSession advisor, long conversationId, bool typing, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null || !advisor.CanAccess(conversation.AccountId))
        {
            return ActionOutcome.Fail("Conversation not found.");
        }

        hub.Publish(new TypingChanged(conversation.AccountId, conversation.Id, AuthorKind.Advisor, advisor.DisplayName, typing));
        return ActionOutcome.Success;
    }

    public async Task CustomerReadAsync(long inboxId, long contactId, long seq, CancellationToken ct)
    {
        using var pass = await gate.EnterAsync(ct);
        await using var db = await pass.CreateDbContextAsync(dbs, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.InboxId == inboxId && c.ContactId == contactId, ct);
        if (conversation is null || seq <= conversation.CustomerReadSeq)
        {
            return;
        }

        var upTo = Math.Min(seq, conversation.LastSeq);
        conversation.CustomerReadSeq = upTo;
        await db.Messages
            .Where(m => m.ConversationId == conversation.Id && m.Seq <= upTo && m.AuthorKind != AuthorKind.Customer
                && (m.DeliveryStatus == DeliveryStatus.Sent || m.DeliveryStatus == DeliveryStatus.Delivered))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveryStatus, DeliveryStatus.Read), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        hub.Publish(new ReadUpTo(conversation.AccountId, conversation.Id, AuthorKind.Customer, upTo));
    }

    public async Task SetPresenceAsync(AdvisorSession advisor, Presence presence, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Advisors.Where(a => a.Id == advisor.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Presence, presence)
            .SetProperty(a => a.PresenceChangedAt, clock.GetUtcNow().UtcDateTime), ct);
        foreach (var account in advisor.AccountIds)
        {
            hub.Publish(new AdvisorPresenceChanged(account, advisor.Id));
        }

        if (presence == Presence.Online)
        {
            routing.Ring();
        }
    }

    private static Task<Advisor> AdvisorAsync(ParleyDb db, long id, CancellationToken ct) =>
        db.Advisors.AsNoTracking().FirstAsync(a => a.Id == id, ct);

    /// <summary>Loads, authorises, changes and commits, retrying when the engine changed the conversation meanwhile.</summary>
    /// <summary>Stores the file in the reply's transaction, so a refused or failed reply leaves no file behind.</summary>
    private async Task<MessagePayload> StoreAsync(ParleyDb db, Conversation conversation, NewAttachment file, CancellationToken ct)
    {
        var stored = db.Attachments.Add(Attachment.Of(file, conversation.AccountId, conversation.Id, clock.GetUtcNow().UtcDateTime)).Entity;
        await db.SaveChangesAsync(ct);
        return new MessagePayload(Attachment: stored.Info);
    }

    private async Task<ActionOutcome> ChangeAsync(
        AdvisorSession advisor, long conversationId,
        Func<ParleyDb, Conversation, List<ConversationEvent>, Task<ActionOutcome>> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var pass = await gate.EnterAsync(ct);
                await using var db = await pass.CreateDbContextAsync(dbs, ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var conversation = await EngineStore.LockedConversationAsync(db, conversationId, ct);
                if (conversation is null || !advisor.CanAccess(conversation.AccountId))
                {
                    return ActionOutcome.Fail("Conversation not found.");
                }

                var events = new List<ConversationEvent>();
                var outcome = await change(db, conversation, events);
                if (!outcome.Ok)
                {
                    return outcome;
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                writer.Publish(events);
                return outcome;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
        }
    }
}
