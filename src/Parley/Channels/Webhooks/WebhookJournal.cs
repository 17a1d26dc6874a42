using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Channels.Webhooks;

/// <summary>
/// Signed webhooks are answered as soon as they are stored, raw, in the journal (<c>webhook_events</c>); their events are
/// stored from there in the background (<see cref="WebhookWork"/>). A platform's burst is absorbed at the speed of one
/// insert per webhook, and an answered webhook is never lost: if this node stops before processing it, its lease runs out
/// and another node (or this one, restarted) takes it over (<see cref="WebhookSweeper"/>).
/// </summary>
/// <remarks>
/// Writes use group commit, as inbound messages do: the webhooks (and processing outcomes) that arrive while a
/// transaction is written go together in the next one, and each caller is answered only after its row committed.
/// </remarks>
public sealed class WebhookJournal : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly IDbContextFactory<ParleyDb> _dbs;
    private readonly WriteGate _gate;
    private readonly WebhookWork _work;
    private readonly WebhookBurst _burst;
    private readonly IOptions<WebhookOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookJournal> _logger;
    private readonly BatchLoop<object> _loop;

    public WebhookJournal(
        IDbContextFactory<ParleyDb> dbs, WriteGate gate, WebhookWork work, WebhookBurst burst, IOptions<WebhookOptions> options, TimeProvider clock,
        ILogger<WebhookJournal> logger)
    {
        _burst = burst;
        _dbs = dbs;
        _gate = gate;
        _work = work;
        _options = options;
        _clock = clock;
        _logger = logger;
        _loop = new BatchLoop<object>(WriteBatch, MaxBatch, "Parley webhook journal");
        work.Record = outcome => _loop.Add(outcome);
    }

    /// <summary>This node's name on its leases: unique per process and start.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    /// <summary>Stores a received webhook; returns once it is durable. A caller that gives up still gets it stored.</summary>
    public Task AppendAsync(ReceivedWebhook webhook, CancellationToken ct)
    {
        var pending = new Pending(webhook, WebhookStore.JournalRow.Of(webhook), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_loop.Add(pending))
        {
            throw new InvalidOperationException("Parley is shutting down and accepts no more webhooks.");
        }

        return pending.Stored.Task.WaitAsync(ct);
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private void WriteBatch(List<object> batch)
    {
        var appends = batch.OfType<Pending>().ToList();
        var outcomes = batch.OfType<WebhookOutcome>().ToList();
        try
        {
            var leased = Write(appends, outcomes);
            _burst.Arrived(appends.Count);
            // This node's work takes its leased webhooks in before their callers are answered: an answered webhook is
            // already in flight here (WebhookWork.IdleAsync waits for it), never in between.
            _work.Enqueue(leased);
            outcomes.ForEach(o => _work.Recorded(o.Id));
            appends.ForEach(p => p.Stored.TrySetResult());
        }
        catch (Exception e)
        {
            // Callers get the error (a 503 when the database refuses for now; the platform retries). Outcomes are
            // written again a little later: until they are, their rows stay this node's (its leases are renewed).
            _logger.LogWarning(e, "Writing {Appends} webhooks and {Outcomes} outcomes to the journal failed", appends.Count, outcomes.Count);
            appends.ForEach(p => p.Stored.TrySetException(e));
            if (outcomes.Count > 0)
            {
                _ = RecordLaterAsync(outcomes);
            }
        }
    }

    private async Task RecordLaterAsync(List<WebhookOutcome> outcomes)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), _clock);
        outcomes.ForEach(o => _loop.Add(o));
    }

    /// <summary>Runs on the journal's own thread and waits for the database synchronously (<see cref="BatchLoop{T}"/>).</summary>
    /// <returns>The appended webhooks leased to this node, to process.</returns>
    private List<JournaledWebhook> Write(List<Pending> appends, List<WebhookOutcome> outcomes)
    {
        var now = _clock.GetUtcNow().UtcDateTime;

        // Past MaxInFlight, new rows are left to whichever node sweeps first, so one node's memory does not hold a burst.
        var lease = _work.InFlight + appends.Count <= _options.Value.MaxInFlight;
        using var pass = _gate.EnterAsync(CancellationToken.None, first: appends.Count > 0).AsTask().GetAwaiter().GetResult();
        using var db = pass.CreateDbContextAsync(_dbs, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        // Appends alone are one statement, atomic by itself: no transaction, so the commit is not a round trip of its own.
        using var transaction = outcomes.Count == 0 ? null : db.Database.BeginTransaction();
        if (transaction is null)
        {
            db.Database.OpenConnection();
        }

        var ids = appends.Count == 0
            ? []
            : WebhookStore.Append(db, [.. appends.Select(p => p.Row)], Node, now, lease ? now + _options.Value.Lease : null);
        if (outcomes.Count > 0)
        {
            WebhookStore.Settle(db, Node, outcomes, now);
        }

        transaction?.Commit();

        return lease
            ? [.. appends.Select((p, i) => new JournaledWebhook(ids[i], p.Webhook.Kind, p.Webhook.Accounts, p.Webhook.OrderKeys, p.Webhook.Body))]
            : [];
    }

    private sealed record Pending(ReceivedWebhook Webhook, WebhookStore.JournalRow Row, TaskCompletionSource Stored);
}
