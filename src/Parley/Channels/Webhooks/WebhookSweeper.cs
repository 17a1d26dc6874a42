using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Channels.Webhooks;

/// <summary>
/// Keeps the journal moving on every node: renews the leases of the webhooks this node is processing once half of each is
/// spent (by id, so a renewal costs the rows it renews, whatever the journal holds), and takes in the
/// ones nobody is (a stopped node's, or those stored past a node's <see cref="WebhookOptions.MaxInFlight"/>), oldest
/// first, as room frees up. At start it picks up what this node left when it stopped.
/// </summary>
public sealed class WebhookSweeper(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    WebhookJournal journal,
    WebhookWork work,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Sweeping the webhook journal failed; trying again");
            }

            try
            {
                // A full sweep means more are waiting: go on at once (room permitting) rather than a whole interval later.
                await Task.Delay(full && work.InFlight < options.Value.MaxInFlight / 2 ? TimeSpan.FromMilliseconds(50) : options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Renews this node's leases and leases what nobody holds, up to the room left; true when it took a full batch.</summary>
    public async Task<bool> SweepAsync(CancellationToken ct)
    {
        const int batch = 500;
        var room = Math.Min(batch, options.Value.MaxInFlight - work.InFlight);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = work.DueForRenewal(now);
        List<JournaledWebhook> leased;
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var chunk in due.Chunk(1_000))
            {
                await WebhookStore.RenewAsync(db, journal.Node, chunk, now, now + options.Value.Lease, ct);
            }

            leased = room > 0 ? await WebhookStore.LeaseDueAsync(db, journal.Node, now, now + options.Value.Lease, room, ct) : [];
            await transaction.CommitAsync(ct);
        }

        work.Renewed(due, now);

        if (leased.Count > 0)
        {
            logger.LogInformation("Took over {Count} journaled webhooks that no node was processing", leased.Count);
            work.Enqueue(leased);
        }

        return leased.Count == batch;
    }
}
