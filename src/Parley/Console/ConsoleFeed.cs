using Parley.Conversations;

namespace Parley.Console;

/// <summary>
/// The live events of a console circuit: one hub subscription per account of the advisor, read until the
/// circuit goes away. Events arrive in batches (whatever is waiting when the reader wakes), so a burst of
/// changes costs one refresh; the handler re-reads the database, the events only say what to re-read. A batch that may
/// have lost events (the hub drops a slow reader's oldest) ends with <see cref="FeedOverflowed"/>.
/// </summary>
public sealed class ConsoleFeed : IAsyncDisposable
{
    /// <summary>The most events handed over at once: the capacity of a hub subscription's channel.</summary>
    public const int MostBatched = 256;

    private readonly List<ConversationEventHub.Subscription> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];

    public ConsoleFeed(ConversationEventHub hub, IEnumerable<long> accountIds, Func<IReadOnlyList<ConversationEvent>, Task> handle, ILogger logger)
    {
        foreach (var accountId in accountIds)
        {
            var subscription = hub.SubscribeAccount(accountId);
            _subscriptions.Add(subscription);
            _readers.Add(ReadAsync(accountId, subscription, handle, logger, _stop.Token));
        }
    }

    private static async Task ReadAsync(
        long accountId, ConversationEventHub.Subscription subscription, Func<IReadOnlyList<ConversationEvent>, Task> handle, ILogger logger, CancellationToken ct)
    {
        var reader = subscription.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                var batch = new List<ConversationEvent>();
                while (batch.Count < MostBatched && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                if (batch.Count == MostBatched)
                {
                    // As many as the hub's channel holds: it was full, and may have dropped older events.
                    batch.Add(new FeedOverflowed(accountId));
                }

                try
                {
                    await handle(batch);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed refresh must not end live updates: the next event refreshes again.
                    logger.LogWarning(e, "Console refresh failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        await Task.WhenAll(_readers);
        _stop.Dispose();
    }
}

/// <summary>The feed of an account may have lost events: what the console shows of it must be read again in full.</summary>
public sealed record FeedOverflowed(long AccountId) : ConversationEvent(AccountId, 0);
