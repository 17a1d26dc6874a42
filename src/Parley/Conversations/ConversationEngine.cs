using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>An inbound message as a channel hands it to the engine.</summary>
public sealed record InboundMessage(
    Inbox Inbox,
    long ContactId,
    string ChannelMessageId,
    ContentType ContentType,
    string? Text,
    string? ReplyTo = null,
    string? AuthorName = null,
    NewAttachment? Attachment = null,
    MessagePayload? Payload = null,
    string? EntryPoint = null,
    PublicThread? Thread = null);

public sealed record NewAttachment(string FileName, string ContentType, byte[] Data);

public sealed record AcceptResult(long MessageId, long ConversationId, long Seq, bool Duplicate);

/// <summary>
/// Entry point of every conversation: opens conversations and stores inbound messages durably, then
/// rings the processor. Nothing is acknowledged to a channel before its transaction committed.
/// </summary>
public sealed class ConversationEngine(
    IDbContextFactory<ParleyDb> dbs,
    InboundWriter inboundWriter,
    ConversationWriter writer,
    ChannelConnectors connectors,
    IConversationBot bot,
    InboxDirectory inboxes,
    WriteGate gate)
{
    /// <summary>
    /// Returns the contact's current private conversation on the inbox (<see cref="ChannelConnectors.Current"/>), creating it (and
    /// greeting) when there is none.
    /// </summary>
    public async Task<Conversation> OpenAsync(Inbox inbox, long contactId, CancellationToken cancellationToken)
    {
        if (await CurrentAsync(inbox, contactId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var settings = InboxSettings.Parse(inbox.SettingsJson);
        var events = new List<ConversationEvent>();
        try
        {
            using var pass = await gate.EnterAsync(cancellationToken);
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var conversation = await writer.CreateAsync(db, inbox, contactId, events, cancellationToken);
            var turn = await bot.StartAsync(db, conversation, inbox, settings, cancellationToken);
            await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            writer.Publish(events);
            writer.RunAfter(conversation.Id, turn.After);
            return conversation;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another request of the same customer (a second tab) opened it first.
            return await CurrentAsync(inbox, contactId, cancellationToken)
                ?? throw new InvalidOperationException($"Contact {contactId} has no open conversation on inbox {inbox.Id} after a conflict.");
        }
    }

    private async Task<Conversation?> CurrentAsync(Inbox inbox, long contactId, CancellationToken cancellationToken)
    {
        await using var read = await dbs.CreateDbContextAsync(cancellationToken);
        var all = await read.Conversations.AsNoTracking()
            .Where(c => c.InboxId == inbox.Id && c.ContactId == contactId && c.PostId == null)
            .Select(c => new { c.Id, c.Status })
            .ToListAsync(cancellationToken);
        var id = ChannelConnectors.Current(all.Select(c => (c.Id, c.Status)), connectors.OneConversationPerContact(inbox));
        return id is null ? null : await read.Conversations.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>
    /// Records a message the brand sent to the contact from outside Parley (a platform's echo of a message sent from its own
    /// inbox): shown in the contact's current conversation as sent by the brand, never sent again. Once per channel message
    /// id; ignored when the contact has no conversation on the inbox (nothing to show it in).
    /// </summary>
    /// <returns>False when it was known already or had no conversation to go in.</returns>
    public async Task<bool> RecordBrandMessageAsync(Inbox inbox, long contactId, string channelMessageId, string? text, MessagePayload? payload, CancellationToken cancellationToken)
    {
        if (await CurrentAsync(inbox, contactId, cancellationToken) is not { } current)
        {
            return false;
        }

        var events = new List<ConversationEvent>();
        using (var pass = await gate.EnterAsync(cancellationToken))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (await db.Messages.AnyAsync(m => m.InboxId == inbox.Id && m.ChannelMessageId == channelMessageId, cancellationToken))
            {
                return false;
            }

            var conversation = await EngineStore.LockedExistingConversationAsync(db, current.Id, cancellationToken);
            var message = writer.AddOutbound(db, conversation, AuthorKind.Advisor, "Sent outside Parley",
                payload?.Media is { Count: > 0 } ? ContentType.Media : ContentType.Text, text ?? string.Empty, payload, events, sentAlready: true);
            message.ChannelMessageId = channelMessageId;
            writer.Touch(conversation);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        writer.Publish(events);
        return true;
    }

    /// <summary>
    /// Gives the bot a turn outside a customer's message (an API's answer): in a transaction of its own, with the
    /// conversation locked. <paramref name="step"/> returns null when it has nothing to do any more (the conversation moved on).
    /// </summary>
    /// <returns>True when the turn was applied (its work for after the commit, if any, is started).</returns>
    public async Task<bool> ContinueBotAsync(
        long conversationId, BotContinuation step, CancellationToken cancellationToken,
        Action? missing = null)
    {
        var events = new List<ConversationEvent>();
        BotTurn? turn;
        using (var pass = await gate.EnterAsync(cancellationToken))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var conversation = await EngineStore.LockedConversationAsync(db, conversationId, cancellationToken);
            if (conversation is null)
            {
                missing?.Invoke();
                return false;
            }

            var inbox = await inboxes.FindAsync(conversation.InboxId, cancellationToken)
                ?? throw new InvalidOperationException($"Inbox {conversation.InboxId} of conversation {conversationId} is missing.");
            var settings = InboxSettings.Parse(inbox.SettingsJson);
            turn = await step(db, conversation, settings, cancellationToken);
            if (turn is null)
            {
                return false;
            }

            await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
            events.Add(ConversationWriter.Changed(conversation));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        writer.Publish(events);
        writer.RunAfter(conversationId, turn.After);
        return true;
    }

    /// <summary>Stores a customer's message, once per channel message id, and schedules its processing.</summary>
    public Task<AcceptResult> AcceptAsync(InboundMessage message, CancellationToken cancellationToken) =>
        inboundWriter.AcceptAsync(message, cancellationToken);
}
