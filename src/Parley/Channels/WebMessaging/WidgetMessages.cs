using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// GET /messages: the customer's messages after a seq, optionally long-polling until there is one. A poll woken by the
/// transaction that added its messages answers from the events (which carry the messages and the committed state) and
/// reads the database only when the events do not tell the whole story (a gap, or a writer that sent no state).
/// </summary>
internal static class WidgetMessages
{
    public static async Task<Results<Ok<MessagesResponse>, ProblemHttpResult>> GetMessages(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationEventHub hub, IMemoryCache cache, CancellationToken ct,
        long after = 0, int limit = 200, int waitSeconds = 0)
    {
        if (after < 0 || limit is < 1 or > 500 || waitSeconds is < 0 or > 25)
        {
            return WidgetApi.BadRequest("after must be ≥ 0, limit 1 to 500, waitSeconds 0 to 25.");
        }

        var caller = WidgetAuthFilter.Caller(http);
        await using var db = await dbs.CreateDbContextAsync(ct);
        // A contact's conversation never changes once opened: remembering its id lets a long poll subscribe before it
        // reads, so nothing stored in between is missed, without a second look.
        var key = (nameof(GetMessages), caller.InboxId, caller.ContactId);
        var knownId = cache.TryGetValue(key, out long id) ? id : (long?)null;
        using var subscription = waitSeconds > 0 && knownId is { } subscribeTo ? hub.SubscribeConversation(subscribeTo) : null;
        var conversation = knownId is { } cid
            ? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cid, ct)
            : await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.InboxId == caller.InboxId && c.ContactId == caller.ContactId, ct);
        if (conversation is null)
        {
            return TypedResults.Ok(new MessagesResponse("none", 0, 0, []));
        }

        cache.Set(key, conversation.Id, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        if (waitSeconds > 0 && conversation.LastSeq <= after)
        {
            using var late = subscription is null ? hub.SubscribeConversation(conversation.Id) : null;
            if (late is not null)
            {
                // Subscribed after reading: look again, so a message stored in between is not missed.
                conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, ct);
            }

            if (conversation.LastSeq <= after)
            {
                var woken = await WaitAsync((subscription ?? late)!.Reader, after, TimeSpan.FromSeconds(waitSeconds), ct);
                if (FromEvents(woken, after, limit) is { } answer)
                {
                    return TypedResults.Ok(answer);
                }

                conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, ct);
            }
        }

        // Only messages the status was read with: a change committed between the two reads shows whole at the next call,
        // instead of its messages arriving now with the old status (which a widget syncing after their seq would keep).
        var lastSeq = conversation.LastSeq;
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && m.Seq > after && m.Seq <= lastSeq)
            .OrderBy(m => m.Seq)
            .Take(limit)
            .ToListAsync(ct);
        return TypedResults.Ok(new MessagesResponse(WidgetApi.Camel(conversation.Status), conversation.CustomerReadSeq, conversation.AdvisorReadSeq,
            messages.Select(MessageDto.From).ToList()));
    }

    /// <summary>
    /// Waits for a message after <paramref name="after"/> or a status change; returns the messages already queued
    /// (none when only the status changed, so the caller reads the database).
    /// </summary>
    private static async Task<Dictionary<long, MessageAdded>> WaitAsync(ChannelReader<ConversationEvent> reader, long after, TimeSpan wait, CancellationToken ct)
    {
        var woken = new Dictionary<long, MessageAdded>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            var statusChanged = false;
            while (woken.Count == 0 && !statusChanged && await reader.WaitToReadAsync(timeout.Token))
            {
                while (reader.TryRead(out var e))
                {
                    if (e is MessageAdded added && added.Message.Seq > after)
                    {
                        woken[added.Message.Seq] = added;
                    }

                    // A change without a message (resolved, say) ends the wait too: the answer reads the new status.
                    statusChanged |= e is ConversationChanged;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        return woken;
    }

    /// <summary>
    /// The answer the events give, when they hold every message from <paramref name="after"/> up to the end of a committed
    /// transaction that sent its state: exactly what reading the conversation and then its messages would return at that
    /// commit. Null when they do not (a dropped event, a writer without state, a transaction not yet fully published).
    /// </summary>
    private static MessagesResponse? FromEvents(Dictionary<long, MessageAdded> woken, long after, int limit)
    {
        ConversationSnapshot? state = null;
        var messages = new List<MessageDto>();
        for (var seq = after + 1; woken.TryGetValue(seq, out var added); seq++)
        {
            messages.Add(added.Message);
            if (added.Committed is { } committed && committed.LastSeq == seq)
            {
                state = committed;
            }
        }

        if (state is null)
        {
            return null;
        }

        var upTo = (int)(state.LastSeq - after);
        return new MessagesResponse(WidgetApi.Camel(state.Status), state.CustomerReadSeq, state.AdvisorReadSeq,
            messages.Take(Math.Min(upTo, limit)).ToList());
    }
}
