using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
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

    /// <remarks>One query per inbox, with equalities the (inbox, channel message id) index answers directly.</remarks>
    private static async Task<Dictionary<(long, string), AcceptResult>> StoredAlreadyAsync(ParleyDb db, List<Pending> batch)
    {
        var known = new Dictionary<(long, string), AcceptResult>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            await using var command = db.Command();
            var ids = command.AddList("m", inbox.Select(p => p.Message.ChannelMessageId).Distinct());
            command.Add("@inbox", inbox.Key);
            command.CommandText = $"SELECT channel_message_id, id, conversation_id, seq FROM messages WHERE inbox_id = @inbox AND channel_message_id IN ({ids})";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                known[(inbox.Key, reader.GetString(0))] = new AcceptResult(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), true);
            }
        }

        return known;
    }

    /// <summary>
    /// The conversation each contact's message belongs to, by the inbox's policy (<see cref="ChannelConnectors.Current"/>);
    /// a contact without one gets a new conversation.
    /// </summary>
    private static async Task<Dictionary<(long, long), (long Id, long AccountId)>> ConversationsAsync(ParleyDb db, List<Pending> batch, ChannelConnectors connectors)
    {
        var found = new Dictionary<(long, long), (long Id, long AccountId)>();
        foreach (var inbox in batch.GroupBy(p => p.Message.Inbox.Id))
        {
            var rows = new List<(long Id, long ContactId, long AccountId, ConversationStatus Status)>();
            await using (var command = db.Command())
            {
                var contacts = command.AddList("c", inbox.Select(p => p.Message.ContactId).Distinct());
                command.Add("@inbox", inbox.Key);
                command.CommandText = $"SELECT id, contact_id, account_id, status FROM conversations WHERE inbox_id = @inbox AND contact_id IN ({contacts})";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.Enum<ConversationStatus>(3)));
                }
            }

            var oneEach = connectors.OneConversationPerContact(inbox.First().Message.Inbox);
            foreach (var contact in rows.GroupBy(r => r.ContactId))
            {
                if (ChannelConnectors.Current(contact.Select(r => (r.Id, r.Status)), oneEach) is { } id)
                {
                    found[(inbox.Key, contact.Key)] = (id, contact.First(r => r.Id == id).AccountId);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Numbers the messages on their conversations and touches them (one statement moves every conversation's last_seq
    /// and times, after the conversations' row locks on PostgreSQL), then inserts them.
    /// </summary>
    /// <remarks>
    /// A message to a conversation that is queued or with an advisor, with nothing older left to process, changes only the
    /// conversation's times: that is done here, and the message is stored processed, so it needs no second transaction.
    /// </remarks>
    /// <returns>The conversations whose messages are all settled (stored processed).</returns>
    private static async Task<HashSet<long>> InsertAsync(ParleyDb db, List<Message> messages, DateTime now)
    {
        var settled = new HashSet<long>();
        if (messages.Count == 0)
        {
            return settled;
        }

        var counts = messages.GroupBy(m => m.ConversationId).OrderBy(g => g.Key).Select(g => (Id: g.Key, Count: (long)g.Count())).ToList();
        var conversationIds = counts.Select(c => c.Id).ToList();
        await ConversationWriter.LockAsync(db, conversationIds, CancellationToken.None);
        await using (var state = db.Command())
        {
            var ids = state.AddList("c", conversationIds);
            state.Add("@queued", ConversationStatus.Queued);
            state.Add("@assigned", ConversationStatus.Assigned);
            state.CommandText = $"SELECT c.id FROM conversations c WHERE c.id IN ({ids}) AND c.status IN (@queued, @assigned) "
                + $"AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND {db.Unprocessed()})";
            await using var reader = await state.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                settled.Add(reader.GetInt64(0));
            }
        }

        var last = new Dictionary<long, long>(counts.Count);
        await using (var number = db.Command())
        {
            // Numbered and touched at once: every conversation here had a customer message now. The processor sets the
            // same time again when it handles those not settled here.
            var (added, ids) = number.AddCaseById("n", counts);
            number.Add("@now", now);
            number.CommandText = $"UPDATE conversations SET last_seq = last_seq + {added}, updated_at = @now, last_customer_message_at = @now, "
                + $"version = version + 1 WHERE id IN ({ids}) RETURNING id, last_seq";
            await using var reader = await number.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                last[reader.GetInt64(0)] = reader.GetInt64(1);
            }
        }

        var next = counts.ToDictionary(c => c.Id, c => last[c.Id] - c.Count);
        foreach (var m in messages)
        {
            m.Seq = ++next[m.ConversationId];
            m.Processed = settled.Contains(m.ConversationId);
        }

        const string Columns = "INSERT INTO messages (conversation_id, inbox_id, seq, author_kind, author_name, content_type, text, payload_json, "
            + "reply_to, channel_message_id, delivery_status, processed, delivery_attempts, created_at) VALUES ";
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            // SQLite: one prepared single-row statement, run once per message with its values bound by position.
            using var statement = new SqliteStatement(sqlite, Columns + "(?1, ?2, ?3, ?11, ?4, ?5, ?6, ?7, ?8, ?9, ?12, ?10, 0, ?13)");
            statement.Bind(11, AuthorKind.Customer);
            statement.Bind(12, DeliveryStatus.Delivered);
            statement.Bind(13, now);
            foreach (var m in messages)
            {
                var values = Row(m);
                for (var c = 0; c < values.Length; c++)
                {
                    statement.Bind(c + 1, values[c]);
                }

                m.Id = statement.Insert();
            }

            return settled;
        }

        // PostgreSQL: every row in one statement, one round trip.
        await using var insert = db.Command();
        insert.Add("@kind", AuthorKind.Customer);
        insert.Add("@status", DeliveryStatus.Delivered);
        insert.Add("@now", now);
        var rows = new System.Text.StringBuilder();
        var bySeq = new Dictionary<(long, long), Message>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            bySeq[(m.ConversationId, m.Seq)] = m;
            var names = Row(m).Select((v, c) => insert.Add($"@{"visatxprmd"[c]}{i}", v).ParameterName).ToList();
            rows.Append(i == 0 ? "" : ", ").Append($"({names[0]}, {names[1]}, {names[2]}, @kind, {names[3]}, {names[4]}, {names[5]}, {names[6]}, {names[7]}, {names[8]}, @status, {names[9]}, 0, @now)");
        }

        insert.CommandText = $"{Columns}{rows} RETURNING id, conversation_id, seq";
        await using var inserted = await insert.ExecuteReaderAsync();
        while (await inserted.ReadAsync())
        {
            bySeq[(inserted.GetInt64(1), inserted.GetInt64(2))].Id = inserted.GetInt64(0);
        }

        return settled;
    }

    /// <summary>A message's own values, in the order of the insert's columns (the common ones left out).</summary>
    private static object?[] Row(Message m) =>
        [m.ConversationId, m.InboxId, m.Seq, m.AuthorName, m.ContentType, m.Text, m.PayloadJson, m.ReplyTo, m.ChannelMessageId, m.Processed];

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
