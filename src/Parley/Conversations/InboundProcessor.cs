using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>
/// Runs the bot or routing for each stored customer message, in order per conversation. Conversations are
/// spread over a few partitions by id, so one conversation is only ever handled by one loop at a time.
/// On start, and every half minute, it picks up messages left unprocessed (for example by a crash).
/// </summary>
public sealed class InboundProcessor(
    IDbContextFactory<ParleyDb> dbs,
    InboundSignal signal,
    ConversationWriter writer,
    InboxDirectory inboxes,
    IConversationBot bot,
    BotContinuations continuations,
    PublicThreads publicThreads,
    WriteGate gate,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private const int Partitions = 4;
    private const int MaxBatch = 64;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);
    private volatile bool _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _running = true;
        using var stopped = stoppingToken.Register(() => _running = false);
        var partitions = Enumerable.Range(0, Partitions)
            .Select(_ => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
        var loops = partitions.Select(p => RunPartitionAsync(p.Reader, stoppingToken)).ToList();
        loops.Add(SweepAsync(stoppingToken));
        try
        {
            await foreach (var conversationId in signal.Reader.ReadAllAsync(stoppingToken))
            {
                partitions[conversationId % Partitions].Writer.TryWrite(conversationId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        foreach (var partition in partitions)
        {
            partition.Writer.TryComplete();
        }

        await Task.WhenAll(loops);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
                {
                    foreach (var conversationId in await EngineStore.WithUnprocessedAsync(db, stoppingToken))
                    {
                        signal.Ring(conversationId);
                    }
                }

                await Task.Delay(SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sweep for unprocessed messages failed");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    private async Task RunPartitionAsync(ChannelReader<long> reader, CancellationToken stoppingToken)
    {
        var batch = new HashSet<long>();
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var id))
            {
                batch.Add(id);
            }

            try
            {
                await ProcessBatchAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "A batch of {Count} conversations failed; processing them one by one", batch.Count);
                if (!await ProcessEachAsync(batch, stoppingToken))
                {
                    return;
                }
            }
        }
    }

    /// <returns>False when stopping.</returns>
    private async Task<bool> ProcessEachAsync(IEnumerable<long> conversationIds, CancellationToken stoppingToken)
    {
        foreach (var conversationId in conversationIds)
        {
            try
            {
                while (await ProcessNextAsync(conversationId, stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception e)
            {
                // Left unprocessed: the sweep tries again.
                logger.LogError(e, "Processing conversation {ConversationId} failed", conversationId);
            }
        }

        return true;
    }

    /// <summary>
    /// Called by <see cref="InboundWriter"/> right after it committed customers' messages and answered their senders, still
    /// holding the write gate: on SQLite, where every writer queues on that gate anyway, it processes them at once instead
    /// of ringing a partition loop that would wait for the gate again. Ordering holds: each run takes every unprocessed
    /// message of its conversations in seq order inside the one write transaction the gate allows. On PostgreSQL (open
    /// gate, concurrent writers) only the partition loops process, one at a time per conversation.
    /// </summary>
    /// <returns>False when nothing was done (not running, not SQLite, or failed): the caller rings the signal instead.</returns>
    internal async Task<bool> ProcessAcceptedAsync(WriteGate.Pass heldPass, IReadOnlyCollection<long> conversationIds)
    {
        if (!_running || !heldPass.IsExclusive || conversationIds.Count == 0)
        {
            return false;
        }

        try
        {
            await ProcessBatchHeldAsync(heldPass, conversationIds, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            // Stored and acknowledged already: the partition loops retry them one by one.
            logger.LogDebug(e, "Processing {Count} conversations right after their messages were stored failed", conversationIds.Count);
            return false;
        }
    }

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

            await EngineStore.LockConversationsAsync(db, [conversationId], cancellationToken);
            var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId, cancellationToken);
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
