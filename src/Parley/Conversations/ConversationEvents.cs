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

/// <summary>A stored message changed (a customer edited or deleted a public comment): shown again as it is now.</summary>
public sealed record MessageChanged(long AccountId, long ConversationId, MessageDto Message) : ConversationEvent(AccountId, ConversationId);

public sealed record ConversationChanged(long AccountId, long ConversationId, ConversationStatus Status, long? QueueId, long? AssigneeId)
    : ConversationEvent(AccountId, ConversationId);

public sealed record TypingChanged(long AccountId, long ConversationId, AuthorKind AuthorKind, string? AuthorName, bool Typing)
    : ConversationEvent(AccountId, ConversationId);

public sealed record ReadUpTo(long AccountId, long ConversationId, AuthorKind Reader, long Seq) : ConversationEvent(AccountId, ConversationId);

/// <summary>An outbound message's delivery changed (sent, delivered, read, failed with the platform's reason).</summary>
public sealed record DeliveryChanged(long AccountId, long ConversationId, long MessageId, DeliveryStatus Status, string? FailureReason = null)
    : ConversationEvent(AccountId, ConversationId);

public sealed record AdvisorPresenceChanged(long AccountId, long AdvisorId) : ConversationEvent(AccountId, 0);

/// <summary>
/// In-process publish/subscribe of conversation events. Subscribers get a bounded channel each, so a slow
/// reader never blocks the engine (it drops its oldest events and catches up from the database).
/// Several nodes will relay events through the database's notifications; the subscriber side stays the same.
/// A key's entry leaves the map with its last subscriber, so a long-running node keeps no trace of past conversations.
/// </summary>
public sealed class ConversationEventHub
{
    private readonly ConcurrentDictionary<long, Subscribers> _byConversation = new();
    private readonly ConcurrentDictionary<long, Subscribers> _byAccount = new();
    private readonly Subscribers _everything = new();

    public Subscription SubscribeConversation(long conversationId) => Subscribe(_byConversation, conversationId);

    public Subscription SubscribeAccount(long accountId) => Subscribe(_byAccount, accountId);

    /// <summary>Every event of every account (a node's own workers: what a channel tells the platform when advisors act).</summary>
    public Subscription SubscribeAll()
    {
        var subscription = new Subscription(s => _everything.Members.TryRemove(s, out _));
        _everything.Members.TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>How many conversations and accounts have subscribers (for tests: entries must not outlive them).</summary>
    internal (int Conversations, int Accounts) KeyCount => (_byConversation.Count, _byAccount.Count);

    public void Publish(ConversationEvent e)
    {
        if (e.ConversationId != 0 && _byConversation.TryGetValue(e.ConversationId, out var conversationSubscribers))
        {
            conversationSubscribers.Publish(e);
        }

        if (_byAccount.TryGetValue(e.AccountId, out var accountSubscribers))
        {
            accountSubscribers.Publish(e);
        }

        _everything.Publish(e);
    }

    /// <summary>Runs between finding a key's set and joining it: lets a test put a leaver exactly there.</summary>
    internal Action<long>? BeforeJoin { get; set; }

    private Subscription Subscribe(ConcurrentDictionary<long, Subscribers> map, long key)
    {
        while (true)
        {
            var set = map.GetOrAdd(key, _ => new Subscribers());
            BeforeJoin?.Invoke(key);
            lock (set)
            {
                // Retired: its last subscriber left and took it out of the map after we found it; take the current one.
                if (set.Retired)
                {
                    continue;
                }

                var subscription = new Subscription(s => Unsubscribe(map, key, set, s));
                set.Members.TryAdd(subscription, 0);
                return subscription;
            }
        }
    }

    /// <summary>
    /// Leaves the set, and retires it when it is then empty. Joining and leaving a set hold its lock, so a subscriber
    /// either joined before the check (the set stays) or finds it retired and joins the map's new set: none is lost.
    /// </summary>
    private static void Unsubscribe(ConcurrentDictionary<long, Subscribers> map, long key, Subscribers set, Subscription subscription)
    {
        lock (set)
        {
            set.Members.TryRemove(subscription, out _);
            if (set.Members.IsEmpty && !set.Retired)
            {
                set.Retired = true;
                map.TryRemove(new KeyValuePair<long, Subscribers>(key, set));
            }
        }
    }

    /// <summary>The subscribers of one key. Publishing reads them without the lock; joining and leaving take it.</summary>
    private sealed class Subscribers
    {
        public ConcurrentDictionary<Subscription, byte> Members { get; } = new();

        /// <summary>Out of the map for good (guarded by the lock on this set).</summary>
        public bool Retired { get; set; }

        public void Publish(ConversationEvent e)
        {
            foreach (var (subscriber, _) in Members)
            {
                subscriber.Writer.TryWrite(e);
            }
        }
    }

    public sealed class Subscription(Action<Subscription> leave) : IDisposable
    {
        private readonly Channel<ConversationEvent> _channel = Channel.CreateBounded<ConversationEvent>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        private int _disposed;

        internal ChannelWriter<ConversationEvent> Writer => _channel.Writer;

        public ChannelReader<ConversationEvent> Reader => _channel.Reader;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _channel.Writer.TryComplete();
            leave(this);
        }
    }
}
