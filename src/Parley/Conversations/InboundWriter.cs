using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
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
    InboundSignal inbound,
    InboundProcessor processor,
    TimeProvider clock,
    ILogger<InboundWriter> logger) : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    public Task<AcceptResult> AcceptAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var pending = new Pending(message, new TaskCompletionSource<AcceptResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Parley is shutting down and accepts no more messages.");
        }

        // A caller that gives up still gets its message stored: a retry with the same id finds it.
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

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
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
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
        await using var db = await dbs.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var known = await StoredAlreadyAsync(db, batch);
        var conversations = await ConversationsAsync(db, batch);
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
            if (!conversations.TryGetValue((m.Inbox.Id, m.ContactId), out var conversation))
            {
                var created = await writer.CreateAsync(db, m.Inbox, m.ContactId, events, CancellationToken.None);
                conversation = (created.Id, created.AccountId);
                conversations[(m.Inbox.Id, m.ContactId)] = conversation;
            }

            var message = NewMessage(m, conversation.Id, now);
            outcome[i] = (message, i, null);
            added.Add((message, conversation.AccountId, m.Attachment));
        }

        await AttachAsync(db, added, now);
        foreach (var group in added.GroupBy(a => a.Message.ConversationId).OrderBy(g => g.Key))
        {
            var count = group.Count();
            var last = await db.ScalarAsync<long>(
                "UPDATE conversations SET last_seq = last_seq + @count WHERE id = @id RETURNING last_seq",
                CancellationToken.None, ("@count", count), ("@id", group.Key));
            var seq = last - count;
            foreach (var (message, _, _) in group)
            {
                message.Seq = ++seq;
                db.Messages.Add(message);
            }
        }

        await db.SaveChangesAsync();
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

        await ProcessAsync(pass, added.Select(a => a.Message.ConversationId).Distinct().ToList());
    }

    /// <summary>After the commit and the answers: process the messages at once where possible, else ring the processor.</summary>
    private async Task ProcessAsync(WriteGate.Pass pass, List<long> conversationIds)
    {
        try
        {
            if (conversationIds.Count > 0 && await processor.ProcessAcceptedAsync(pass, conversationIds))
            {
                return;
            }
        }
        catch (Exception e)
        {
            // Stored and acknowledged already: the processor's own loop retries them one by one.
            logger.LogDebug(e, "Processing {Count} conversations right after their messages were stored failed", conversationIds.Count);
        }

        foreach (var conversationId in conversationIds)
        {
            inbound.Ring(conversationId);
        }
    }

    /// <remarks>One query per inbox, with equalities the (inbox, channel message id) index answers directly.</remarks>
    private static async Task<Dictionary<(long, string), AcceptResult>> StoredAlreadyAsync(ParleyDb db, List<Pending> batch)
    {
        var known = new Dictionary<(long, string), AcceptResult>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            var inboxId = inbox.Key;
            var ids = inbox.Select(p => p.Message.ChannelMessageId).Distinct().ToList();
            var rows = await db.Messages.AsNoTracking()
                .Where(m => m.InboxId == inboxId && ids.Contains(m.ChannelMessageId!))
                .Select(m => new { m.ChannelMessageId, m.Id, m.ConversationId, m.Seq })
                .ToListAsync();
            foreach (var r in rows)
            {
                known[(inboxId, r.ChannelMessageId!)] = new AcceptResult(r.Id, r.ConversationId, r.Seq, true);
            }
        }

        return known;
    }

    private static async Task<Dictionary<(long, long), (long Id, long AccountId)>> ConversationsAsync(ParleyDb db, List<Pending> batch)
    {
        var found = new Dictionary<(long, long), (long Id, long AccountId)>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            var inboxId = inbox.Key;
            var contactIds = inbox.Select(p => p.Message.ContactId).Distinct().ToList();
            var rows = await db.Conversations.AsNoTracking()
                .Where(c => c.InboxId == inboxId && contactIds.Contains(c.ContactId))
                .Select(c => new { c.Id, c.ContactId, c.AccountId })
                .ToListAsync();
            foreach (var r in rows)
            {
                found[(inboxId, r.ContactId)] = (r.Id, r.AccountId);
            }
        }

        return found;
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

            var attachment = new Attachment
            {
                AccountId = accountId,
                ConversationId = message.ConversationId,
                FileName = file.FileName,
                ContentType = file.ContentType,
                Size = file.Data.LongLength,
                Data = file.Data,
                CreatedAt = now,
            };
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
            message.PayloadJson = new MessagePayload(Attachment: new AttachmentInfo(a.Id, a.FileName, a.ContentType, a.Size)).ToJson();
        }
    }

    private static Message NewMessage(InboundMessage m, long conversationId, DateTime now) => new()
    {
        ConversationId = conversationId,
        InboxId = m.Inbox.Id,
        AuthorKind = AuthorKind.Customer,
        AuthorName = m.AuthorName,
        ContentType = m.ContentType,
        Text = m.Text,
        ReplyTo = m.ReplyTo,
        ChannelMessageId = m.ChannelMessageId,
        DeliveryStatus = DeliveryStatus.Delivered,
        Processed = false,
        CreatedAt = now,
    };

    private sealed record Pending(InboundMessage Message, TaskCompletionSource<AcceptResult> Completion);
}
