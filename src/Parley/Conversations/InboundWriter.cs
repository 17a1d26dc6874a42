using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>
/// Stores customers' messages with group commit: the messages that arrive while a transaction is being written
/// wait for the next one, which stores them all at once. Each caller is answered only after its transaction
/// committed, so an acknowledged message is durable; under load, one commit serves hundreds of messages.
/// </summary>
public sealed class InboundWriter(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    ConversationWriter writer,
    ChannelConnectors connectors,
    InboundSignal inbound,
    InboundProcessor processor,
    IMessageTone tone,
    TimeProvider clock,
    ILogger<InboundWriter> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private BatchLoop<Pending>? _loop;

    private BatchLoop<Pending> Loop => LazyInitializer.EnsureInitialized(ref _loop, () => new BatchLoop<Pending>(WriteBatchAsync, MaxBatch));

    public Task<AcceptResult> AcceptAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        // Read here, on the caller's thread, not inside the write batch.
        var pending = new Pending(message, tone.Read(message.Text), new TaskCompletionSource<AcceptResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!Loop.Add(pending))
        {
            throw new InvalidOperationException("Parley is shutting down and accepts no more messages.");
        }

        // A caller that gives up still gets its message stored: a retry with the same id finds it.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _loop?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            await WriteAsync(batch);
        }
        catch (Exception e)
        {
            // One bad message must not fail its neighbours: write them one by one.
            logger.LogWarning(e, "A batch of {Count} inbound messages failed; writing them one by one", batch.Count);
            foreach (var one in batch)
            {
                await WriteAloneAsync(one);
            }
        }
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WriteAsync([pending]);
                return;
            }
            catch (Exception e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // Another node stored the same message or opened the conversation first: look again.
            }
            catch (Exception e)
            {
                pending.Completion.TrySetException(e);
                return;
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        using var pass = await gate.EnterAsync(CancellationToken.None);
        await using var db = await pass.CreateDbContextAsync(dbs, CancellationToken.None);
        // A failed statement fails the whole batch (then written one by one): no savepoint per SaveChanges.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync();
        var known = await StoredAlreadyAsync(db, batch);
        var conversations = await ConversationsAsync(db, batch, connectors);
        var events = new List<ConversationEvent>();
        var now = clock.GetUtcNow().UtcDateTime;
        var outcome = new (Message? Stored, int FirstIndex, AcceptResult? Known)[batch.Count];
        var firstByKey = new Dictionary<(long, string), int>();
        var added = new List<(Message Message, long AccountId, NewAttachment? File)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i].Message;
            var key = (m.Inbox.Id, m.ChannelMessageId);
            if (known.TryGetValue(key, out var stored))
            {
                outcome[i] = (null, -1, stored);
                continue;
            }

            if (firstByKey.TryGetValue(key, out var first))
            {
                outcome[i] = (null, first, null);
                continue;
            }

            firstByKey[key] = i;
            var thread = new ThreadKey(m.Inbox.Id, m.ContactId, m.Thread?.PostId);
            if (!conversations.TryGetValue(thread, out var conversation))
            {
                var created = await writer.CreateAsync(db, m.Inbox, m.ContactId, events, CancellationToken.None, m.EntryPoint, m.Thread?.PostId);
                conversation = (created.Id, created.AccountId);
                conversations[thread] = conversation;
            }

            var message = NewMessage(m, batch[i].Tone, conversation.Id, now);
            outcome[i] = (message, i, null);
            added.Add((message, conversation.AccountId, m.Attachment));
        }

        await AttachAsync(db, added, now);
        var settled = await InsertAsync(db, added.Select(a => a.Message).ToList(), now);
        if (db.ChangeTracker.HasChanges())
        {
            // The reporting events of conversations opened above.
            await db.SaveChangesAsync();
        }

        await transaction.CommitAsync();
        foreach (var (message, accountId, _) in added)
        {
            events.Add(new MessageAdded(accountId, message.ConversationId, MessageDto.From(message)));
        }

        writer.Publish(events);
        for (var i = 0; i < batch.Count; i++)
        {
            var (message, first, stored) = outcome[i];
            var result = stored
                ?? (message is not null
                    ? new AcceptResult(message.Id, message.ConversationId, message.Seq, false)
                    : new AcceptResult(outcome[first].Stored!.Id, outcome[first].Stored!.ConversationId, outcome[first].Stored!.Seq, true));
            batch[i].Completion.TrySetResult(result);
        }

        // Answered first: the callers send their next messages while these are processed, and those make the next batch.
        var conversationIds = added.Select(a => a.Message.ConversationId).Distinct().Where(id => !settled.Contains(id)).ToList();
        if (!await processor.ProcessAcceptedAsync(pass, conversationIds))
        {
            foreach (var conversationId in conversationIds)
            {
                inbound.Ring(conversationId);
            }
        }
    }

    /// <summary>The batch's messages stored already (a retried delivery), by inbox and channel message id.</summary>
    private static async Task<Dictionary<(long, string), AcceptResult>> StoredAlreadyAsync(ParleyDb db, List<Pending> batch)
    {
        var known = new Dictionary<(long, string), AcceptResult>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            foreach (var (channelMessageId, stored) in await EngineStore.StoredAsync(db, inbox.Key, inbox.Select(p => p.Message.ChannelMessageId).Distinct()))
            {
                known[(inbox.Key, channelMessageId)] = stored;
            }
        }

        return known;
    }

    /// <summary>
    /// The conversation each contact's message belongs to: a private message by the inbox's policy
    /// (<see cref="ChannelConnectors.Current"/>); a public one in the contact's thread under its post, one per contact
    /// and post, reopened when resolved. A contact without one gets a new conversation.
    /// </summary>
    private static async Task<Dictionary<ThreadKey, (long Id, long AccountId)>> ConversationsAsync(ParleyDb db, List<Pending> batch, ChannelConnectors connectors)
    {
        var found = new Dictionary<ThreadKey, (long Id, long AccountId)>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            var rows = await EngineStore.ConversationsOfAsync(db, inbox.Key, inbox.Select(p => p.Message.ContactId).Distinct());
            var oneEach = connectors.OneConversationPerContact(inbox.First().Message.Inbox);
            foreach (var thread in rows.GroupBy(r => new ThreadKey(inbox.Key, r.ContactId, r.PostId)))
            {
                if (ChannelConnectors.Current(thread.Select(r => (r.Id, r.Status)), oneEach || thread.Key.PostId is not null) is { } id)
                {
                    found[thread.Key] = (id, thread.First(r => r.Id == id).AccountId);
                }
            }
        }

        return found;
    }

    /// <summary>Where a customer's message goes: their private conversation on the inbox (no post), or their thread under a post.</summary>
    private readonly record struct ThreadKey(long InboxId, long ContactId, long? PostId);

    /// <summary>
    /// Numbers the messages on their conversations and touches them (one statement moves every conversation's last_seq,
    /// times and customer's tone, after the conversations' row locks on PostgreSQL), then inserts them.
    /// </summary>
    /// <remarks>
    /// A message to a conversation that is queued or with an advisor, with nothing older left to process, changes only the
    /// conversation's times: that is done here, and the message is stored processed, so it needs no second transaction.
    /// </remarks>
    /// <returns>The conversations whose messages are all settled (stored processed).</returns>
    private static async Task<HashSet<long>> InsertAsync(ParleyDb db, List<Message> messages, DateTime now)
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var counts = messages.GroupBy(m => m.ConversationId).OrderBy(g => g.Key).Select(g => (Id: g.Key, Count: (long)g.Count())).ToList();
        var conversationIds = counts.Select(c => c.Id).ToList();
        await EngineStore.LockConversationsAsync(db, conversationIds, CancellationToken.None);
        var settled = await EngineStore.SettledAsync(db, conversationIds);
        // The customer's tone on each conversation: its latest message's that has one (messages are in arrival order).
        var tones = new Dictionary<long, double>();
        foreach (var m in messages)
        {
            if (m.Sentiment is { } sentiment)
            {
                tones[m.ConversationId] = sentiment;
            }
        }

        var last = await EngineStore.NumberAsync(db, counts, [.. tones.Select(t => (t.Key, t.Value))], now);

        var next = counts.ToDictionary(c => c.Id, c => last[c.Id] - c.Count);
        foreach (var m in messages)
        {
            m.Seq = ++next[m.ConversationId];
            m.Processed = settled.Contains(m.ConversationId);
        }

        await EngineStore.InsertInboundAsync(db, messages, now);
        return settled;
    }

    /// <summary>Stores the files first: their ids go into the messages' payloads.</summary>
    private static async Task AttachAsync(ParleyDb db, List<(Message Message, long AccountId, NewAttachment? File)> added, DateTime now)
    {
        var files = new List<(Message Message, Attachment Attachment)>();
        foreach (var (message, accountId, file) in added)
        {
            if (file is null)
            {
                continue;
            }

            var attachment = Attachment.Of(file, accountId, message.ConversationId, now);
            db.Attachments.Add(attachment);
            files.Add((message, attachment));
        }

        if (files.Count == 0)
        {
            return;
        }

        await db.SaveChangesAsync();
        foreach (var (message, a) in files)
        {
            message.PayloadJson = new MessagePayload(Attachment: a.Info).ToJson();
        }
    }

    private static Message NewMessage(InboundMessage m, MessageTone tone, long conversationId, DateTime now) => new()
    {
        Language = tone.Language,
        Sentiment = tone.Sentiment,
        ConversationId = conversationId,
        InboxId = m.Inbox.Id,
        AuthorKind = AuthorKind.Customer,
        AuthorName = m.AuthorName,
        ContentType = m.ContentType,
        Text = m.Text,
        ReplyTo = m.ReplyTo,
        PayloadJson = m.Payload?.ToJson(),
        ChannelMessageId = m.ChannelMessageId,
        ParentChannelMessageId = m.Thread?.ParentChannelMessageId,
        DeliveryStatus = DeliveryStatus.Delivered,
        Processed = false,
        CreatedAt = now,
    };

    private sealed record Pending(InboundMessage Message, MessageTone Tone, TaskCompletionSource<AcceptResult> Completion);
}
