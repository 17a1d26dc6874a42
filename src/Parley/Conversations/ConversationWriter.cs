using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Conversations;

/// <summary>
/// The shared steps of every change to a conversation: numbering messages, applying a bot turn, queuing,
/// and publishing events once the transaction committed. Callers own the transaction.
/// </summary>
public sealed class ConversationWriter(
    ConversationEventHub hub,
    ChannelConnectors connectors,
    RoutingSignal routing,
    OutboundSignal outbound,
    TimeProvider clock,
    ILogger<ConversationWriter> logger)
{
    /// <summary>
    /// Opens a conversation held by the bot for the contact on the inbox: private, or public when it is the contact's thread
    /// under a post (<paramref name="postId"/>; the processor routes those, see <see cref="PublicThreads"/>).
    /// </summary>
    public async Task<Conversation> CreateAsync(
        ParleyDb db, Inbox inbox, long contactId, List<ConversationEvent> events, CancellationToken cancellationToken, string? entryPoint = null, long? postId = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var conversation = new Conversation
        {
            AccountId = inbox.AccountId,
            InboxId = inbox.Id,
            ContactId = contactId,
            Channel = inbox.Channel,
            Status = ConversationStatus.WithBot,
            IsPublic = postId is not null,
            PostId = postId,
            EntryPoint = entryPoint,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        Reporting.Record(db, conversation, ReportingEventNames.ConversationOpened, now);
        events.Add(Changed(conversation));
        return conversation;
    }

    public static ConversationChanged Changed(Conversation c) => new(c.AccountId, c.Id, c.Status, c.QueueId, c.AssigneeId);

    /// <summary>Marks a tracked conversation as changed: its version guards against concurrent writers.</summary>
    public void Touch(Conversation conversation)
    {
        conversation.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        conversation.Version++;
    }

    /// <summary>
    /// Touches conversations the caller holds (row lock or write gate) without loading them: a customer wrote while
    /// the conversation is with an advisor or queued, which changes only its times and version.
    /// </summary>
    public async Task TouchAsync(ParleyDb db, IReadOnlyList<(long Id, DateTime LastCustomerMessageAt)> conversations, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0)
        {
            return;
        }

        await EngineStore.TouchAsync(db, conversations, clock.GetUtcNow().UtcDateTime, cancellationToken);
    }

    /// <summary>
    /// Adds a message from the business side (bot, advisor or system) to a conversation the caller loaded after taking
    /// its row lock (<see cref="EngineStore.LockConversationsAsync"/>) or created in this unit of work.
    /// </summary>
    public Message AddOutbound(
        ParleyDb db,
        Conversation conversation,
        AuthorKind author,
        string? authorName,
        ContentType contentType,
        string text,
        MessagePayload? payload,
        List<ConversationEvent> events,
        long? authorId = null,
        bool sentAlready = false)
    {
        var message = Outbound(conversation, author, authorName, contentType, text, payload, authorId, sentAlready);
        db.Messages.Add(message);
        if (message.DeliveryStatus == DeliveryStatus.Pending)
        {
            // A push channel: the dispatcher sends it (the delivery gets the message's id when both are saved).
            db.Deliveries.Add(new Delivery
            {
                Message = message,
                ConversationId = conversation.Id,
                InboxId = conversation.InboxId,
                Status = DeliveryState.Pending,
                NextAttemptAt = message.CreatedAt,
                CreatedAt = message.CreatedAt,
                UpdatedAt = message.CreatedAt,
            });
        }

        // Saved with the rest of the caller's unit of work; the event is made once the id exists (see Publish).
        events.Add(new MessageStored(conversation.AccountId, conversation.Id, message, conversation));
        return message;
    }

    /// <summary>A business-side message, numbered on the conversation the caller holds, not yet added to a unit of work.</summary>
    private Message Outbound(
        Conversation conversation, AuthorKind author, string? authorName, ContentType contentType, string text, MessagePayload? payload, long? authorId, bool sentAlready)
    {
        var message = new Message
        {
            ConversationId = conversation.Id,
            InboxId = conversation.InboxId,
            AuthorKind = author,
            AuthorId = authorId,
            AuthorName = authorName,
            ContentType = contentType,
            Text = text,
            PayloadJson = payload?.ToJson(),
            DeliveryStatus = author == AuthorKind.System || sentAlready ? DeliveryStatus.Sent : connectors.InitialStatus(conversation.Channel),
            Processed = true,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        // Numbered on the tracked conversation: every caller holds its row (LockAsync, or the SQLite write gate), so
        // no other writer moves last_seq meanwhile, and the number is saved with the conversation's own update.
        message.Seq = ++conversation.LastSeq;
        return message;
    }

    /// <summary>Sends the bot's messages and, when the bot hands over, queues the conversation and sets expectations.</summary>
    public async Task ApplyBotTurnAsync(
        ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, BotTurn turn,
        List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        var botName = $"{settings.BotName} (automated)";
        foreach (var bot in turn.Messages)
        {
            var payload = bot.Options is null && bot.Media is null && bot.Cards is null ? null : new MessagePayload(bot.Options, Media: bot.Media, Cards: bot.Cards);
            AddOutbound(db, conversation, AuthorKind.Bot, botName, bot.ContentType, bot.Text, payload, events).ParentChannelMessageId = turn.ReplyTo;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var funnel in turn.Funnel)
        {
            Reporting.Record(db, conversation, funnel.Name, now, detail: funnel.Detail);
        }

        conversation.BotState = turn.NextState;
        Touch(conversation);
        if (turn.Resolve)
        {
            ConversationLifecycle.Resolve(conversation, now);
            Reporting.Record(db, conversation, ReportingEventNames.Resolved, now, (now - conversation.CreatedAt).TotalSeconds, detail: "bot");
            events.Add(Changed(conversation));
            return;
        }

        if (turn.HandoffQueueId is not { } queueId)
        {
            return;
        }

        // The queue position counts the others ahead, so it needs no save of this conversation first.
        conversation.Priority = Math.Max(conversation.Priority, turn.Priority);
        Queue(db, conversation, queueId, events, turn.HandoffReason);
        await ConversationRequirements.AddFromHandoffAsync(db, conversation, turn.Skills, cancellationToken);
        var outlook = await OutlookAsync(db, conversation, settings, cancellationToken);
        var notice = BotRuntime.HandoffNotice(outlook, turn.Topic, connectors.Find(conversation.Channel)?.Capabilities.WaitHint);
        AddOutbound(db, conversation, AuthorKind.Bot, botName, notice.ContentType, notice.Text, null, events);
    }

    /// <summary>
    /// Starts the work a bot's turn left for after its commit (a business API call), without waiting for it: it runs
    /// outside the write gate and any transaction.
    /// </summary>
    public void RunAfter(long conversationId, Func<CancellationToken, Task>? work)
    {
        if (work is null)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await work(CancellationToken.None);
            }
            catch (Exception e)
            {
                // The conversation waits on the call until its time runs out; the customer's next message calls again.
                logger.LogError(e, "The bot's work after a turn of conversation {ConversationId} failed", conversationId);
            }
        }, CancellationToken.None);
    }

    /// <summary>Puts the tracked conversation in a queue; saved with the caller's unit of work.</summary>
    public void Queue(ParleyDb db, Conversation conversation, long queueId, List<ConversationEvent> events, string? reason = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        ConversationLifecycle.Queue(conversation, queueId, now);
        Touch(conversation);
        Reporting.Record(db, conversation, ReportingEventNames.HandedOff, now, (now - conversation.CreatedAt).TotalSeconds, detail: reason);
        events.Add(Changed(conversation));
    }

    /// <summary>
    /// The customer took back everything they asked before anyone answered (deleted their public comments): the
    /// conversation is resolved, out of its queue, with a note for the advisors.
    /// </summary>
    public void Withdraw(ParleyDb db, Conversation conversation, string notice, List<ConversationEvent> events)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        ConversationLifecycle.Resolve(conversation, now);
        Touch(conversation);
        Reporting.Record(db, conversation, ReportingEventNames.Resolved, now, (now - conversation.CreatedAt).TotalSeconds, detail: ReportingEventNames.Withdrawn);
        AddOutbound(db, conversation, AuthorKind.System, null, ContentType.Text, notice, null, events);
        events.Add(Changed(conversation));
    }

    /// <summary>Gives the conversation to an advisor and tells the customer who joined.</summary>
    public Task AssignAsync(ParleyDb db, Conversation conversation, Advisor advisor, List<ConversationEvent> events, CancellationToken cancellationToken)
    {
        var (joined, assigned) = Assign(conversation, advisor.Id, advisor.DisplayName, events);
        db.Messages.Add(joined);
        db.ReportingEvents.Add(assigned);
        return Task.CompletedTask;
    }

    /// <summary>
    /// <see cref="AssignAsync"/> for a caller that stores the change itself (routing's batches, in hand-written SQL): the
    /// conversation the caller holds is moved, touched and numbered in memory; the "joined" system message (sent already,
    /// no delivery) and the <c>assigned</c> reporting event are returned to store, and the events to publish are added.
    /// </summary>
    public (Message Joined, ReportingEvent Assigned) Assign(Conversation conversation, long advisorId, string advisorName, List<ConversationEvent> events)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var waited = conversation.QueuedAt is { } queuedAt ? (now - queuedAt).TotalSeconds : (double?)null;
        ConversationLifecycle.Assign(conversation, advisorId, now);
        Touch(conversation);
        var assigned = Reporting.Event(conversation, ReportingEventNames.Assigned, now, waited, advisorId);
        var joined = Outbound(conversation, AuthorKind.System, null, ContentType.Text, $"{advisorName} joined the conversation.", null, null, false);
        events.Add(new MessageStored(conversation.AccountId, conversation.Id, joined, conversation));
        events.Add(Changed(conversation));
        return (joined, assigned);
    }

    private async Task<QueueOutlook> OutlookAsync(ParleyDb db, Conversation conversation, InboxSettings settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var open = settings.BusinessHours.IsOpen(now);
        var opensText = open ? null : settings.BusinessHours.NextOpening(now) is { } next ? BusinessHoursSchedule.Describe(next, now) : null;
        var queueId = conversation.QueueId;
        var available = open && await AdvisorFreeAsync(db, queueId, cancellationToken);
        var position = available ? 0 : await db.Conversations.CountAsync(
            c => c.QueueId == queueId && c.Status == ConversationStatus.Queued && c.Id != conversation.Id
                && (c.Priority > conversation.Priority || (c.Priority == conversation.Priority && c.QueuedAt <= conversation.QueuedAt)),
            cancellationToken) + 1;
        return new QueueOutlook(open, available, position, opensText, settings.ExpectedReplyMinutes);
    }

    /// <summary>Whether an online advisor of the queue has room (<see cref="AdvisorLoad"/>).</summary>
    private static async Task<bool> AdvisorFreeAsync(ParleyDb db, long? queueId, CancellationToken cancellationToken)
    {
        var online = await db.AdvisorQueues
            .Where(q => q.QueueId == queueId)
            .Join(db.Advisors.Where(a => a.Presence == Presence.Online), q => q.AdvisorId, a => a.Id, (q, a) => new { a.Id, a.Capacity })
            .ToListAsync(cancellationToken);
        if (online.Count == 0)
        {
            return false;
        }

        var loads = await AdvisorLoad.OfAsync(db, online.Select(a => a.Id).ToList(), cancellationToken);
        return online.Any(a => loads.GetValueOrDefault(a.Id).Private < a.Capacity);
    }

    /// <summary>A message added in a unit of work not yet saved: published as <see cref="MessageAdded"/> after the commit.</summary>
    /// <remarks>
    /// The conversation is the tracked one the caller saved under its row lock: once committed, its fields are the
    /// committed state, which the published event carries.
    /// </remarks>
    private sealed record MessageStored(long AccountId, long ConversationId, Message Message, Conversation Conversation)
        : ConversationEvent(AccountId, ConversationId);

    /// <summary>Pushes the events of a committed transaction and wakes the workers they concern.</summary>
    public void Publish(IReadOnlyList<ConversationEvent> events)
    {
        foreach (var stored in events)
        {
            var e = stored is MessageStored m
                ? new MessageAdded(m.AccountId, m.ConversationId, MessageDto.From(m.Message), new ConversationSnapshot(
                    m.Conversation.Status, m.Conversation.LastSeq, m.Conversation.CustomerReadSeq, m.Conversation.AdvisorReadSeq))
                : stored;
            hub.Publish(e);
            switch (e)
            {
                case ConversationChanged { Status: ConversationStatus.Queued or ConversationStatus.Resolved }:
                    routing.Ring();
                    break;
                case MessageAdded { Message.DeliveryStatus: DeliveryStatus.Pending }:
                    outbound.Ring();
                    break;
            }
        }
    }
}
