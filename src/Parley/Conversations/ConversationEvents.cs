using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Parley.Conversations;

/// <summary>A change pushed live to consoles (by account) and widgets (by conversation).</summary>
public abstract record ConversationEvent(long AccountId, long ConversationId);

/// <param name="Committed">
/// The conversation as the message's transaction committed it, when the writer knew it: a long poll woken by the event
/// answers from it without reading the database again (see <see cref="ConversationSnapshot"/>).
/// </param>
public sealed record MessageAdded(long AccountId, long ConversationId, MessageDto Message, ConversationSnapshot? Committed = null)
    : ConversationEvent(AccountId, ConversationId);

/// <summary>
/// A conversation's state at the commit of a transaction that added messages: <see cref="LastSeq"/> is the last message
/// of that transaction, so every message up to it is committed and the status is the one they were written with.
/// </summary>
public sealed record ConversationSnapshot(ConversationStatus Status, long LastSeq, long CustomerReadSeq, long AdvisorReadSeq);

public sealed record ConversationChanged(long AccountId, long ConversationId, ConversationStatus Status, long? QueueId, long? AssigneeId)
    : ConversationEvent(AccountId, ConversationId);

public sealed record TypingChanged(long AccountId, long ConversationId, string AuthorKind, string? AuthorName, bool Typing)
    : ConversationEvent(AccountId, ConversationId);

public sealed record ReadUpTo(long AccountId, long ConversationId, string Reader, long Seq) : ConversationEvent(AccountId, ConversationId);

public sealed record AdvisorPresenceChanged(long AccountId, long AdvisorId) : ConversationEvent(AccountId, 0);

/// <summary>
/// In-process publish/subscribe of conversation events. Subscribers get a bounded channel each, so a slow
/// reader never blocks the engine (it drops its oldest events and catches up from the database).
/// Several nodes will relay events through the database's notifications; the subscriber side stays the same.
/// </summary>
public sealed class ConversationEventHub
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Subscription, byte>> _byConversation = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Subscription, byte>> _byAccount = new();

    public Subscription SubscribeConversation(long conversationId) => Subscribe(_byConversation, conversationId);

    public Subscription SubscribeAccount(long accountId) => Subscribe(_byAccount, accountId);

    public void Publish(ConversationEvent e)
    {
        if (e.ConversationId != 0 && _byConversation.TryGetValue(e.ConversationId, out var conversationSubscribers))
        {
            foreach (var subscriber in conversationSubscribers.Keys)
            {
                subscriber.Writer.TryWrite(e);
            }
        }

        if (_byAccount.TryGetValue(e.AccountId, out var accountSubscribers))
        {
            foreach (var subscriber in accountSubscribers.Keys)
            {
                subscriber.Writer.TryWrite(e);
            }
        }
    }

    private static Subscription Subscribe(ConcurrentDictionary<long, ConcurrentDictionary<Subscription, byte>> map, long key)
    {
        var set = map.GetOrAdd(key, _ => new ConcurrentDictionary<Subscription, byte>());
        var subscription = new Subscription(() =>
        {
            if (map.TryGetValue(key, out var current))
            {
                foreach (var s in current.Keys.Where(s => s.Disposed))
                {
                    current.TryRemove(s, out _);
                }
            }
        });
        set.TryAdd(subscription, 0);
        return subscription;
    }

    public sealed class Subscription(Action cleanup) : IDisposable
    {
        private readonly Channel<ConversationEvent> _channel = Channel.CreateBounded<ConversationEvent>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        internal bool Disposed { get; private set; }

        internal ChannelWriter<ConversationEvent> Writer => _channel.Writer;

        public ChannelReader<ConversationEvent> Reader => _channel.Reader;

        public void Dispose()
        {
            if (Disposed)
            {
                return;
            }

            Disposed = true;
            _channel.Writer.TryComplete();
            cleanup();
        }
    }
}
