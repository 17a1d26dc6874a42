using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>The processing itself: a batch of conversations' waiting messages, each stepped in order, in one transaction.</summary>
public sealed partial class InboundProcessor
{
    /// <summary>Processes every waiting message of a few conversations in one transaction (group commit).</summary>
    private async Task ProcessBatchAsync(IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        await ProcessBatchHeldAsync(pass, conversationIds, cancellationToken);
    }

    private async Task ProcessBatchHeldAsync(WriteGate.Pass pass, IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken)
    {
        var taken = continuations.Take(conversationIds);
        List<ConversationEvent> events;
        var after = new List<(long, Func<CancellationToken, Task>)>();
        try
        {
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            db.Database.AutoSavepointsEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            events = await StepAllAsync(db, conversationIds, taken, after, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            continuations.Restore(taken);
            throw;
        }

        writer.Publish(events);
        RunAfter(after);
    }

    /// <summary>
    /// Applies the bot's waiting turns (<see cref="BotContinuations"/>), then steps every unprocessed message of the
    /// conversations, in the caller's transaction.
    /// </summary>
    private async Task<List<ConversationEvent>> StepAllAsync(
        ParleyDb db, IReadOnlyCollection<long> conversationIds, Dictionary<long, BotContinuation> taken,
        List<(long, Func<CancellationToken, Task>)> after, CancellationToken cancellationToken)
    {
        var events = new List<ConversationEvent>();

        // Locked in id order (PostgreSQL), like every writer that locks several conversations; then the state read is
        // the truth. A conversation whose bot waits on an API keeps its messages, unprocessed, for after the answer: they
        // are not even read (a customer who goes on writing meanwhile must not make every later pass longer).
        var ids = conversationIds.Order().ToList();
        await EngineStore.LockConversationsAsync(db, ids, cancellationToken);
        var states = await EngineStore.StatesAsync(db, ids, cancellationToken);
        var readable = ids.Where(id => states.TryGetValue(id, out var state)
            && (taken.ContainsKey(id) || state.Status != ConversationStatus.WithBot || !bot.IsBusy(state.BotState))).ToList();
        var messages = readable.Count == 0 ? [] : await EngineStore.UnprocessedAsync(db, readable, int.MaxValue, cancellationToken);
        if (messages.Count == 0 && taken.Count == 0)
        {
            return events;
        }

        var lastAt = new Dictionary<long, DateTime>();
        foreach (var message in messages)
        {
            lastAt[message.ConversationId] = message.CreatedAt;
        }

        var withWork = lastAt.Keys.Union(taken.Keys.Where(states.ContainsKey)).Order().ToList();
        var statuses = withWork.ToDictionary(id => id, id => states[id].Status);

        // With an advisor or in the queue, a customer's message changes nothing but the conversation's times: one
        // statement for all of them. The others (bot, waiting for the customer, resolved) take their step in EF, and
        // so does every conversation with a waiting bot turn.
        var touched = new List<(long Id, DateTime LastCustomerMessageAt)>();
        var stepped = new List<long>();
        foreach (var id in withWork)
        {
            if (!statuses.TryGetValue(id, out var status))
            {
                continue;
            }

            if (status is ConversationStatus.Queued or ConversationStatus.Assigned && !taken.ContainsKey(id))
            {
                touched.Add((id, lastAt[id]));
            }
            else
            {
                stepped.Add(id);
            }
        }

        // A conversation whose bot waits on an API keeps its messages, unprocessed, for after the answer.
        var waiting = new HashSet<long>();
        if (stepped.Count > 0)
        {
            var conversations = await db.Conversations.Where(c => stepped.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            foreach (var (id, continuation) in taken)
            {
                if (conversations.TryGetValue(id, out var conversation))
                {
                    await ContinueAsync(db, conversation, continuation, events, after, cancellationToken);
                }
            }

            foreach (var message in messages)
            {
                if (conversations.TryGetValue(message.ConversationId, out var conversation) && !waiting.Contains(conversation.Id)
                    && !await StepAsync(db, conversation, message, events, after, cancellationToken))
                {
                    waiting.Add(conversation.Id);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await writer.TouchAsync(db, touched, cancellationToken);
        var processed = waiting.Count == 0 ? messages : messages.Where(m => !waiting.Contains(m.ConversationId)).ToList();
        if (processed.Count > 0)
        {
            await EngineStore.MarkProcessedAsync(db, processed, cancellationToken);
        }

        return events;
    }

    /// <summary>A bot's waiting turn, applied before the conversation's waiting messages.</summary>
    private async Task ContinueAsync(
        ParleyDb db, Conversation conversation, BotContinuation continuation, List<ConversationEvent> events,
        List<(long, Func<CancellationToken, Task>)> after, CancellationToken cancellationToken)
    {
        var (inbox, settings) = await InboxAsync(conversation, cancellationToken);
        if (await continuation(db, conversation, settings, cancellationToken) is not { } turn)
        {
            return;
        }

        await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
        events.Add(ConversationWriter.Changed(conversation));
        if (turn.After is { } work)
        {
            after.Add((conversation.Id, work));
        }
    }

    private async Task<(Inbox Inbox, InboxSettings Settings)> InboxAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var inbox = await inboxes.FindAsync(conversation.InboxId, cancellationToken)
            ?? throw new InvalidOperationException($"Inbox {conversation.InboxId} of conversation {conversation.Id} is missing.");
        return (inbox, InboxSettings.Parse(inbox.SettingsJson));
    }

    /// <summary>Processes the oldest unprocessed message of the conversation; false when there was none.</summary>
    public async Task<bool> ProcessNextAsync(long conversationId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryProcessNextAsync(conversationId, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // An advisor changed the conversation meanwhile: redo the step on the fresh state.
            }
        }
    }

    private async Task<bool> TryProcessNextAsync(long conversationId, CancellationToken cancellationToken)
    {
        using var pass = await gate.EnterAsync(cancellationToken);
        var taken = continuations.Take([conversationId]);
        var events = new List<ConversationEvent>();
        var after = new List<(long, Func<CancellationToken, Task>)>();
        try
        {
            await using var db = await pass.CreateDbContextAsync(dbs, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var next = await EngineStore.UnprocessedAsync(db, [conversationId], 1, cancellationToken);
            if (next.Count == 0 && taken.Count == 0)
            {
                return false;
            }

            var conversation = await EngineStore.LockedExistingConversationAsync(db, conversationId, cancellationToken);
            if (taken.TryGetValue(conversationId, out var continuation))
            {
                await ContinueAsync(db, conversation, continuation, events, after, cancellationToken);
            }

            var stepped = next.Count > 0 && await StepAsync(db, conversation, next[0], events, after, cancellationToken);
            if (!stepped && taken.Count == 0)
            {
                return false;
            }

            await db.SaveChangesAsync(cancellationToken);
            if (stepped)
            {
                await EngineStore.MarkProcessedAsync(db, next, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            continuations.Restore(taken);
            throw;
        }

        writer.Publish(events);
        RunAfter(after);
        return true;
    }

    private void RunAfter(List<(long ConversationId, Func<CancellationToken, Task> Work)> after)
    {
        foreach (var (conversationId, work) in after)
        {
            writer.RunAfter(conversationId, work);
        }
    }

    /// <summary>One customer message's effect: a bot turn, back from waiting, or a reopening.</summary>
    /// <returns>False when the message must wait (the bot waits on an API): it stays unprocessed.</returns>
    private async Task<bool> StepAsync(
        ParleyDb db, Conversation conversation, Message message, List<ConversationEvent> events,
        List<(long, Func<CancellationToken, Task>)> after, CancellationToken cancellationToken)
    {
        if (conversation.IsPublic && conversation.Status is ConversationStatus.WithBot or ConversationStatus.Resolved)
        {
            // The public bot answers in public, or the thread goes to a queue: never the private bot.
            conversation.LastCustomerMessageAt = message.CreatedAt;
            await publicThreads.RouteAsync(db, conversation, message, events, after, cancellationToken);
            return true;
        }

        if (conversation.Status == ConversationStatus.WithBot && bot.IsBusy(conversation.BotState))
        {
            return false;
        }

        var (inbox, settings) = await InboxAsync(conversation, cancellationToken);
        conversation.LastCustomerMessageAt = message.CreatedAt;
        switch (conversation.Status)
        {
            case ConversationStatus.WithBot:
                var turn = await bot.OnCustomerMessageAsync(db, conversation, inbox, settings, message, cancellationToken);
                await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
                if (turn.After is { } work)
                {
                    after.Add((conversation.Id, work));
                }

                break;
            case ConversationStatus.WaitingForCustomer:
                ConversationLifecycle.CustomerAnswered(conversation);
                writer.Touch(conversation);
                events.Add(ConversationWriter.Changed(conversation));
                break;
            case ConversationStatus.Resolved:
                await ReopenAsync(db, conversation, inbox, settings, message, events, after, cancellationToken);
                break;
            default:
                writer.Touch(conversation);
                break;
        }

        return true;
    }

    /// <summary>The customer wrote again after resolution: back to the queue it was in, or to the bot.</summary>
    private async Task ReopenAsync(
        ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, Message message, List<ConversationEvent> events,
        List<(long, Func<CancellationToken, Task>)> after, CancellationToken cancellationToken)
    {
        Reporting.Record(db, conversation, ReportingEventNames.Reopened, conversation.LastCustomerMessageAt ?? conversation.UpdatedAt);
        if (conversation.QueueId is { } queueId)
        {
            writer.Queue(db, conversation, queueId, events);
            return;
        }

        ConversationLifecycle.BackToBot(conversation);
        var turn = await bot.OnCustomerMessageAsync(db, conversation, inbox, settings, message, cancellationToken);
        await writer.ApplyBotTurnAsync(db, conversation, inbox, settings, turn, events, cancellationToken);
        if (turn.After is { } work)
        {
            after.Add((conversation.Id, work));
        }

        events.Add(ConversationWriter.Changed(conversation));
    }
}
