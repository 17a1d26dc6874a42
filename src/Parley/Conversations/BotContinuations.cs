using System.Collections.Concurrent;
using Parley.Bots;
using Parley.Channels;
using Parley.Data;

namespace Parley.Conversations;

/// <summary>A bot's turn that comes from outside a customer's message; null when the conversation moved on meanwhile.</summary>
public delegate Task<BotTurn?> BotContinuation(ParleyDb db, Conversation conversation, InboxSettings settings, CancellationToken cancellationToken);

/// <summary>
/// Bot turns waiting to be applied (a business API's answer), at most one per conversation, held in memory until the
/// inbound processor's next batch for the conversation applies them before its waiting messages, in the same
/// transaction: many answers share one commit, as customers' messages do. Lost with the process, like the call it
/// answers: the conversation's call then runs out of time, and the customer's next message calls again.
/// </summary>
public sealed class BotContinuations(InboundSignal signal)
{
    private readonly ConcurrentDictionary<long, BotContinuation> _waiting = new();

    /// <summary>Leaves the turn for the conversation's next batch and wakes it; a newer turn replaces an older one.</summary>
    public void Post(long conversationId, BotContinuation continuation)
    {
        _waiting[conversationId] = continuation;
        signal.Ring(conversationId);
    }

    /// <summary>Takes the waiting turns of these conversations; <see cref="Restore"/> gives them back if the batch fails.</summary>
    internal Dictionary<long, BotContinuation> Take(IEnumerable<long> conversationIds)
    {
        var taken = new Dictionary<long, BotContinuation>();
        if (_waiting.IsEmpty)
        {
            return taken;
        }

        foreach (var id in conversationIds)
        {
            if (_waiting.TryRemove(id, out var continuation))
            {
                taken[id] = continuation;
            }
        }

        return taken;
    }

    /// <summary>Puts back the turns of a batch that failed, unless a newer one arrived meanwhile.</summary>
    internal void Restore(Dictionary<long, BotContinuation> taken)
    {
        foreach (var (id, continuation) in taken)
        {
            _waiting.TryAdd(id, continuation);
        }
    }
}
