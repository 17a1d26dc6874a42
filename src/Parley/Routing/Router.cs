using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>
/// Assigns queued conversations to online advisors with room, whenever something changes (a conversation
/// queued or resolved, an advisor online) and every few seconds as a safety net.
/// </summary>
public sealed partial class Router(
    IDbContextFactory<ParleyDb> dbs,
    RoutingSignal signal,
    ConversationWriter writer,
    WriteGate gate,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<RoutingOptions> options,
    ILogger<Router> logger) : BackgroundService
{
    /// <summary>
    /// Queued conversations planned per pass: the snapshot (advisors, loads, rules) costs about the same for 500 or 1,000, so
    /// a larger pass spreads it over more assignments; the planner's time grows with it (docs/PERFORMANCE.md).
    /// </summary>
    private const int BatchSize = 1000;

    /// <summary>
    /// Allocations committed per transaction on PostgreSQL, where a pass's batches commit side by side (their advisors do not
    /// overlap, so none waits for another's locks). On SQLite, where the write gate lets one transaction write at a time,
    /// a pass commits its whole plan in one transaction: the reads under the gate and the commit are paid once per pass.
    /// </summary>
    private const int CommitSize = 250;

    private readonly RoutingSnapshotCache _snapshots = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await AssignAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Routing pass failed");
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    /// <summary>One routing pass; returns how many conversations it assigned.</summary>
    public async Task<int> AssignAsync(CancellationToken cancellationToken)
    {
        var (allocations, sideBySide) = await PlanAsync(cancellationToken);
        if (allocations.Count == 0)
        {
            return 0;
        }

        IReadOnlyList<Outcome>[] outcomes = sideBySide
            ? await Task.WhenAll(ByAdvisor(allocations, CommitSize).Select(batch => CommitAsync(batch, cancellationToken)))
            : [await CommitAsync(allocations, cancellationToken)];
        var assigned = outcomes.Sum(batch => batch.Count(o => o == Outcome.Assigned));
        var refused = outcomes.Any(batch => batch.Any(o => o is Outcome.AdvisorFull or Outcome.AdvisorUnavailable));

        if (refused)
        {
            // Planned on stale loads: others may still have room for what stayed queued. A fresh pass plans again.
            signal.Ring();
        }

        return assigned;
    }

    /// <summary>A pass's plan, read without a lock, so possibly stale by the time of an assignment: each commit checks again.</summary>
    /// <returns>The plan, and whether its batches commit side by side (PostgreSQL).</returns>
    internal async Task<(IReadOnlyList<Allocation> Plan, bool SideBySide)> PlanAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var plan = await _snapshots.PlanAsync(db, clock, options.Value.PriorityStep, BatchSize, cancellationToken);
        return (plan, db.Database.IsNpgsql());
    }

    internal enum Outcome
    {
        Assigned,

        /// <summary>Taken, resolved or handed back since the plan, or queued again: a new wait, planned afresh.</summary>
        NoLongerQueued,
        AdvisorFull,

        /// <summary>No longer online (busy, away, offline) since the plan.</summary>
        AdvisorUnavailable,
    }

    /// <summary>Assigns one planned conversation, if it is still queued and the advisor still has room.</summary>
    internal async Task<Outcome> AssignOneAsync(Allocation allocation, CancellationToken cancellationToken) =>
        (await CommitAsync([allocation], cancellationToken))[0];

    /// <summary>A conversation transferred to a queue keeps the transfer's note once routing gives it to someone.</summary>
    private static AssignmentReason WithTransferNote(AssignmentReason reason, AssignmentReason? previous) =>
        previous is { Rule: AssignmentRule.Transfer, Note: not null } ? reason with { Note = previous.Note, ByAdvisorId = previous.ByAdvisorId } : reason;

}
