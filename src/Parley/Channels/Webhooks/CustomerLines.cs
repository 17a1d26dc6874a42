namespace Parley.Channels.Webhooks;

/// <summary>
/// The events of one journaled webhook, stored together: each customer's one after the other, in the order they came,
/// and different customers' at once. So a webhook of ten customers' messages reaches the inbound writer as ten messages
/// in one group commit, not ten commits one after the other. The key is the event's order key (a customer of a
/// connection, <see cref="JournaledWebhook.OrderKeys"/>), the same that keeps webhooks in order between them.
/// A customer's later event starts only once the one before it was stored: when one fails, the ones after it in its line
/// fail with it, unstored, and the webhook's retry stores them all in order.
/// </summary>
public sealed class CustomerLines
{
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="store"/> now, or after the events before it in the key's line.</summary>
    public void Add(string key, Func<Task> store) =>
        _tails[key] = _tails.TryGetValue(key, out var before) ? AfterAsync(before, store) : store();

    /// <summary>Completes once every event added is stored; throws the first failure after every line has stopped.</summary>
    public async Task DrainAsync()
    {
        if (_tails.Count == 0)
        {
            return;
        }

        var all = _tails.Values.ToArray();
        _tails.Clear();
        await Task.WhenAll(all);
    }

    /// <summary>Waits for every line to stop, whatever their outcome (the webhook failed otherwise already).</summary>
    public async Task SettleAsync()
    {
        try
        {
            await DrainAsync();
        }
        catch (Exception)
        {
            // The webhook's own failure is the one reported.
        }
    }

    private static async Task AfterAsync(Task before, Func<Task> store)
    {
        await before;
        await store();
    }
}
