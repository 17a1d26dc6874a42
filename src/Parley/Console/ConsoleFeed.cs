using Parley.Conversations;

namespace Parley.Console;

/// <summary>
/// The live events of a console circuit: one hub subscription per account of the advisor, read until the
/// circuit goes away. Events arrive in batches (whatever is waiting when the reader wakes), so a burst of
/// changes costs one refresh; the handler re-reads the database, the events only say what to re-read.
/// </summary>
public sealed class ConsoleFeed : IAsyncDisposable
{
    private readonly List<ConversationEventHub.Subscription> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];

    public ConsoleFeed(ConversationEventHub hub, IEnumerable<long> accountIds, Func<IReadOnlyList<ConversationEvent>, Task> handle, ILogger logger)
    {
        foreach (var accountId in accountIds)
        {
            var subscription = hub.SubscribeAccount(accountId);
            _subscriptions.Add(subscription);
            _readers.Add(ReadAsync(subscription, handle, logger, _stop.Token));
        }
    }

    private static async Task ReadAsync(
        ConversationEventHub.Subscription subscription, Func<IReadOnlyList<ConversationEvent>, Task> handle, ILogger logger, CancellationToken ct)
    {
        var reader = subscription.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                var batch = new List<ConversationEvent>();
                while (batch.Count < 256 && reader.TryRead(out var e))
                {
                    batch.Add(e);
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
