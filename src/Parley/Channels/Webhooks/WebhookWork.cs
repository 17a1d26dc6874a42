using Microsoft.Extensions.Options;

namespace Parley.Channels.Webhooks;

/// <summary>
/// Processes the journaled webhooks this node leased: many at once, but those that share an order key (a customer of an
/// account) one after the other, in the order they were received. A webhook runs once it is first in line for every one
/// of its keys, so a batch for ten customers waits for each of them and holds up nobody else.
/// </summary>
public sealed class WebhookWork(
    IEnumerable<IWebhookConsumer> consumers, IOptions<WebhookOptions> options, WebhookBurst burst, TimeProvider clock, ILogger<WebhookWork> logger)
    : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<Item>> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Item> _inFlight = [];
    private readonly SemaphoreSlim _slots = new(options.Value.Concurrency, options.Value.Concurrency);

    // In a burst, one webhook at a time, and a pause after each (the lane is held through it).
    private readonly SemaphoreSlim _burstLane = new(1, 1);
    private readonly Random _random = new();
    private TaskCompletionSource? _idle;

    /// <summary>Where outcomes go to be recorded (the journal sets it); a webhook stays in flight until it is recorded.</summary>
    internal Action<WebhookOutcome>? Record { get; set; }

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _burstLane.Dispose();
    }

    /// <summary>Takes leased webhooks in; ones already in flight here (a lease renewed late, then swept again) are skipped.</summary>
    public void Enqueue(IEnumerable<JournaledWebhook> webhooks)
    {
        var ready = new List<Item>();
        lock (_lock)
        {
            foreach (var webhook in webhooks)
            {
                if (_inFlight.ContainsKey(webhook.Id))
                {
                    continue;
                }

                var item = new Item(webhook) { RenewAt = clock.GetUtcNow().UtcDateTime + RenewalAge };
                _inFlight[webhook.Id] = item;
                foreach (var key in item.Keys)
                {
                    if (_lines.TryGetValue(key, out var line))
                    {
                        line.Enqueue(item);
                        item.Waiting++;
                    }
                    else
                    {
                        _lines[key] = new Queue<Item>([item]);
                    }
                }

                if (item.Waiting == 0)
                {
                    ready.Add(item);
                }
            }
        }

        ready.ForEach(Start);
    }

    /// <summary>How long after it was leased (or last renewed) a webhook's lease is renewed: half the lease.</summary>
    private TimeSpan RenewalAge => options.Value.Lease / 2;

    /// <summary>
    /// The webhooks in flight here whose lease is half spent: the sweeper renews these by id, so each lease is written
    /// about twice a lease period however many webhooks this node holds, instead of every one at every sweep.
    /// </summary>
    internal List<long> DueForRenewal(DateTime now)
    {
        lock (_lock)
        {
            return [.. _inFlight.Values.Where(i => i.RenewAt <= now).Select(i => i.Webhook.Id)];
        }
    }

    /// <summary>These webhooks' leases were renewed at <paramref name="now"/>.</summary>
    internal void Renewed(IEnumerable<long> ids, DateTime now)
    {
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_inFlight.TryGetValue(id, out var item))
                {
                    item.RenewAt = now + RenewalAge;
                }
            }
        }
    }

    /// <summary>The journal recorded a webhook's outcome: it is no longer in flight.</summary>
    internal void Recorded(long id)
    {
        lock (_lock)
        {
            if (_inFlight.Remove(id) && _inFlight.Count == 0 && _idle is { } idle)
            {
                _idle = null;
                idle.TrySetResult();
            }
        }
    }

    /// <summary>Completes once nothing this node took in is waiting, running or unrecorded (tests, shutdown).</summary>
    public Task IdleAsync()
    {
        lock (_lock)
        {
            return _inFlight.Count == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private void Start(Item item) => _ = Task.Run(() => RunAsync(item));

    private async Task RunAsync(Item item)
    {
        var outcome = await ProcessAsync(item.Webhook);
        burst.Processed();

        // The next in line for each key may start now: this one's events are stored (or it was given up).
        var ready = new List<Item>();
        lock (_lock)
        {
            foreach (var key in item.Keys)
            {
                var line = _lines[key];
                line.Dequeue();
                if (line.Count == 0)
                {
                    _lines.Remove(key);
                }
                else if (--line.Peek().Waiting == 0)
                {
                    ready.Add(line.Peek());
                }
            }
        }

        Record?.Invoke(outcome);
        ready.ForEach(Start);
    }

    /// <summary>
    /// Processes a webhook, retrying here with backoff while it fails for now (the database refusing, say): it keeps its
    /// place in line, so a customer's later events never overtake it. Should this node stop meanwhile, its lease runs
    /// out and another node takes the webhook over.
    /// </summary>
    private async Task<WebhookOutcome> ProcessAsync(JournaledWebhook webhook)
    {
        var consumer = consumers.LastOrDefault(c => c.Consumes(webhook.Kind));
        for (var attempt = 1; ; attempt++)
        {
            await _slots.WaitAsync();
            var inBurst = burst.IsOn;
            if (inBurst)
            {
                await _burstLane.WaitAsync();
            }

            var started = clock.GetTimestamp();
            try
            {
                if (consumer is null)
                {
                    throw new WebhookRejectedException($"No channel processes {webhook.Kind} webhooks.");
                }

                await consumer.ProcessAsync(webhook, CancellationToken.None);
                return new WebhookOutcome(webhook.Id, null);
            }
            catch (WebhookRejectedException e)
            {
                logger.LogError(e, "{Kind} webhook {Id} cannot be processed; it is kept, failed", webhook.Kind, webhook.Id);
                return new WebhookOutcome(webhook.Id, e.Message);
            }
            catch (Exception e) when (attempt >= options.Value.MaxAttempts)
            {
                logger.LogError(e, "{Kind} webhook {Id} failed {Attempts} times; it is kept, failed", webhook.Kind, webhook.Id, attempt);
                return new WebhookOutcome(webhook.Id, e.Message);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Kind} webhook {Id} failed (attempt {Attempt}); retrying", webhook.Kind, webhook.Id, attempt);
            }
            finally
            {
                if (inBurst)
                {
                    _ = ReleaseLaneAsync(burst.PauseAfter(clock.GetElapsedTime(started)));
                }

                _slots.Release();
            }

            TimeSpan delay;
            lock (_random)
            {
                delay = RetryBackoff.Delay(options.Value.FirstBackoff, options.Value.MaxBackoff, attempt - 1, null, _random);
            }

            await Task.Delay(delay, clock);
        }
    }

    private async Task ReleaseLaneAsync(TimeSpan pause)
    {
        await Task.Delay(pause, clock);
        try
        {
            _burstLane.Release();
        }
        catch (ObjectDisposedException)
        {
            // The node stopped during the pause.
        }
    }

    private sealed class Item(JournaledWebhook webhook)
    {
        public JournaledWebhook Webhook { get; } = webhook;

        /// <summary>Distinct, so a webhook is in each line once; a webhook without keys still gets one line of its own.</summary>
        public string[] Keys { get; } = webhook.OrderKeys.Count == 0 ? [$"#{webhook.Id}"] : [.. webhook.OrderKeys.Distinct(StringComparer.Ordinal)];

        /// <summary>The lines in which another webhook is still ahead of this one.</summary>
        public int Waiting { get; set; }

        /// <summary>When the sweeper renews its lease (<see cref="DueForRenewal"/>).</summary>
        public DateTime RenewAt { get; set; }
    }
}
