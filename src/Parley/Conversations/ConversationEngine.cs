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
    NewAttachment? Attachment = null);

public sealed record NewAttachment(string FileName, string ContentType, byte[] Data);

public sealed record AcceptResult(long MessageId, long ConversationId, long Seq, bool Duplicate);

/// <summary>
/// Entry point of every conversation: opens conversations and stores inbound messages durably, then
/// rings the processor. Nothing is acknowledged to a channel before its transaction committed.
/// </summary>
public sealed class ConversationEngine(
    IDbContextFactory<ParleyDb> dbs,
    InboundSignal inbound,
    ConversationWriter writer,
    TimeProvider clock)
{
    /// <summary>Returns the contact's conversation on the inbox, creating it (and greeting) the first time.</summary>
    public async Task<Conversation> OpenAsync(Inbox inbox, long contactId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var existing = await db.Conversations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.InboxId == inbox.Id && c.ContactId == contactId, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var settings = InboxSettings.Parse(inbox.SettingsJson);
        var turn = BotRuntime.Start(settings);
        var events = new List<ConversationEvent>();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var conversation = await CreateAsync(db, inbox, contactId, events, cancellationToken);
            await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            writer.Publish(events);
            // The greeting was numbered in SQL, behind the tracked entity: read back, so lastSeq counts it.
            return await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another request of the same customer (a second tab) opened it first.
            await using var again = await dbs.CreateDbContextAsync(cancellationToken);
            return await again.Conversations.AsNoTracking().FirstAsync(c => c.InboxId == inbox.Id && c.ContactId == contactId, cancellationToken);
        }
    }

    /// <summary>Stores a customer's message, once per channel message id, and schedules its processing.</summary>
    public async Task<AcceptResult> AcceptAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var duplicate = await FindDuplicateAsync(db, message, cancellationToken);
            if (duplicate is not null)
            {
                return duplicate;
            }

            try
            {
                var events = new List<ConversationEvent>();
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var conversation = await db.Conversations.AsNoTracking()
                    .FirstOrDefaultAsync(c => c.InboxId == message.Inbox.Id && c.ContactId == message.ContactId, cancellationToken)
                    ?? await CreateAsync(db, message.Inbox, message.ContactId, events, cancellationToken);
                var now = clock.GetUtcNow().UtcDateTime;
                var stored = new Message
                {
                    ConversationId = conversation.Id,
                    InboxId = message.Inbox.Id,
                    AuthorKind = AuthorKind.Customer,
                    AuthorName = message.AuthorName,
                    ContentType = message.ContentType,
                    Text = message.Text,
                    ReplyTo = message.ReplyTo,
                    ChannelMessageId = message.ChannelMessageId,
                    DeliveryStatus = DeliveryStatus.Delivered,
                    Processed = false,
                    CreatedAt = now,
                };
                if (message.Attachment is { } file)
                {
                    var attachment = new Attachment
                    {
                        AccountId = conversation.AccountId,
                        ConversationId = conversation.Id,
                        FileName = file.FileName,
                        ContentType = file.ContentType,
                        Size = file.Data.LongLength,
                        Data = file.Data,
                        CreatedAt = now,
                    };
                    db.Attachments.Add(attachment);
                    await db.SaveChangesAsync(cancellationToken);
                    stored.PayloadJson = new MessagePayload(Attachment: new AttachmentInfo(attachment.Id, file.FileName, file.ContentType, attachment.Size)).ToJson();
                }

                await ConversationWriter.AppendAsync(db, stored, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                events.Add(new MessageAdded(conversation.AccountId, conversation.Id, MessageDto.From(stored)));
                writer.Publish(events);
                inbound.Ring(conversation.Id);
                return new AcceptResult(stored.Id, conversation.Id, stored.Seq, false);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // A concurrent retry of the same message, or a concurrent first message: look again.
            }
        }
    }

    private static async Task<AcceptResult?> FindDuplicateAsync(ParleyDb db, InboundMessage message, CancellationToken cancellationToken) =>
        await db.Messages.AsNoTracking()
            .Where(m => m.InboxId == message.Inbox.Id && m.ChannelMessageId == message.ChannelMessageId)
            .Select(m => new AcceptResult(m.Id, m.ConversationId, m.Seq, true))
            .FirstOrDefaultAsync(cancellationToken);

    private async Task<Conversation> CreateAsync(ParleyDb db, Inbox inbox, long contactId, List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var conversation = new Conversation
        {
            AccountId = inbox.AccountId,
            InboxId = inbox.Id,
            ContactId = contactId,
            Channel = inbox.Channel,
            Status = ConversationStatus.WithBot,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        Reporting.Record(db, conversation, ReportingEventNames.ConversationOpened, now);
        events.Add(ConversationWriter.Changed(conversation));
        return conversation;
    }
}
