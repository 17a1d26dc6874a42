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
    /// Allocations committed per transaction on PostgreSQL, where a pass's batches commit side by side (their advisors do not
    /// overlap, so none waits for another's locks). On SQLite, where the write gate lets one transaction write at a time,
    /// a pass commits its whole plan in one transaction: the reads under the gate and the commit are paid once per pass.
    /// </summary>
    private const int CommitSize = 250;

    /// <summary>A next plan older than this when its pass comes is dropped and made again: it was planned on a past state.</summary>
    internal static readonly TimeSpan NextPlanLifetime = TimeSpan.FromSeconds(1);

    private readonly RoutingSnapshotCache _snapshots = new();

    private NextPlan? _next;

    /// <summary>How many advisors' loads this router's commits took as known instead of counting them (for tests).</summary>
    internal int LoadsTaken => Known.Taken;

    /// <summary>How many advisors' loads this router's plans took as known instead of counting them (for tests).</summary>
    internal int LoadsTakenByPlans => Known.TakenByPlans;

    /// <summary>The loads this router's commits left (<see cref="RoutingSnapshotCache.Known"/>).</summary>
    private KnownLoads Known => _snapshots.Known;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var assigned = 0;
            try
            {
                assigned = await AssignAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Routing pass failed");
            }

            // A pass that assigned may have left more waiting (a pass plans PassSize at most): the next one goes at once.
            if (assigned == 0)
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    /// <summary>
    /// One routing pass; returns how many conversations it assigned. When its read was full (more may wait behind it), the
    /// next pass's plan is made while this one commits, on the loads this plan reserved and past its conversations, and
    /// the next pass (within <see cref="NextPlanLifetime"/>) commits it without planning again.
    /// </summary>
    public async Task<int> AssignAsync(CancellationToken cancellationToken)
    {
        var (allocations, full, team, sideBySide, read) = await TakeNextPlanAsync(cancellationToken) ?? await PlanAsync(cancellationToken);
        if (allocations.Count == 0)
        {
            return 0;
        }

        // On a thread of its own: SQLite's provider runs "async" statements synchronously, so a commit started first would
        // run to its end before the next plan began.
        var next = full ? Task.Run(() => PlanAsync(cancellationToken, pastReserved: true), cancellationToken) : null;
        var committing = CommitPlanAsync(allocations, sideBySide, team, read, cancellationToken);
        int assigned;
        try
        {
            assigned = await committing;
        }
        catch
        {
            if (next is not null)
            {
                await DropAsync(next);
            }

            throw;
        }
        finally
        {
            // Committed batches ended their reservations already; a failure leaves none behind.
            _snapshots.Release(allocations);
        }

        if (next is not null)
        {
            try
            {
                var planned = await next;
                if (planned.Allocations.Count > 0)
                {
                    _snapshots.Release(Interlocked.Exchange(ref _next, new NextPlan(planned, clock.GetUtcNow()))?.Plan.Allocations ?? []);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // This pass's assignments stand; the next pass plans for itself.
                logger.LogWarning(e, "Planning the next routing pass failed");
            }
        }

        return assigned;
    }

    /// <summary>A next plan that will not be used: its reservations end once it is made.</summary>
    private async Task DropAsync(Task<PassPlan> next)
    {
        try
        {
            _snapshots.Release((await next).Allocations);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Planning the next routing pass failed after its pass failed");
        }
    }

    private async Task<int> CommitPlanAsync(
        IReadOnlyList<Allocation> allocations, bool sideBySide, RoutingTeam team, IReadOnlyDictionary<long, Conversation> read, CancellationToken cancellationToken)
    {
        IReadOnlyList<Outcome>[] outcomes = sideBySide
            ? await Task.WhenAll(ByAdvisor(allocations, CommitSize).Select(batch => CommitAsync(batch, cancellationToken, team, read)))
            : [await CommitAsync(allocations, cancellationToken, team, read)];
        var assigned = outcomes.Sum(batch => batch.Count(o => o == Outcome.Assigned));
        var refused = outcomes.Any(batch => batch.Any(o => o is Outcome.AdvisorFull or Outcome.AdvisorUnavailable));

        if (refused)
        {
            // Planned on stale loads: others may still have room for what stayed queued. A fresh pass plans again.
            signal.Ring();
        }

        return assigned;
    }

    /// <summary>
    /// The plan made during the last pass, if it is recent and the team (advisors' presence, capacities, queues, skills; the
    /// queues' rules) has not changed since; otherwise its reservations end.
    /// </summary>
    private async Task<PassPlan?> TakeNextPlanAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _next, null) is not { } next)
        {
            return null;
        }

        if (clock.GetUtcNow() - next.At <= NextPlanLifetime)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            if (await RoutingVersion.ReadAsync(db, cancellationToken) == next.Plan.Team.Version)
            {
                return next.Plan;
            }
        }

        _snapshots.Release(next.Plan.Allocations);
        return null;
    }

    /// <summary>
    /// A pass's plan, read without a lock, so possibly stale by the time of an assignment: each commit checks again. The
    /// planned conversations are read with it, outside the write gate; the commit keeps the copies whose version has not
    /// moved since (<see cref="CurrentAsync"/>).
    /// </summary>
    /// <param name="pastReserved">The next pass's plan, made while this one commits: past what this one holds.</param>
    internal async Task<PassPlan> PlanAsync(CancellationToken cancellationToken, bool pastReserved = false)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var (plan, full, team) = await _snapshots.PlanAsync(
            db, clock, options.Value.PriorityStep, options.Value.PassSize, pastReserved, cancellationToken);
        var ids = plan.Select(a => a.ConversationId).ToList();
        var read = ids.Count == 0
            ? new Dictionary<long, Conversation>()
            : await db.Conversations.AsNoTracking().Where(c => EF.Parameter(ids).Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        return new PassPlan(plan, full, team, db.Database.IsNpgsql(), read);
    }

    /// <param name="Allocations">Reserved until committed or released (<see cref="RoutingSnapshotCache"/>).</param>
    /// <param name="Full">The read was full: more conversations may wait behind it.</param>
    /// <param name="Team">The team it was planned with, read at a <see cref="RoutingVersion"/>.</param>
    /// <param name="SideBySide">Its batches commit side by side (PostgreSQL).</param>
    /// <param name="Read">The planned conversations as read after the plan, untracked; a commit changes the copies it assigns.</param>
    internal sealed record PassPlan(
        IReadOnlyList<Allocation> Allocations, bool Full, RoutingTeam Team, bool SideBySide, IReadOnlyDictionary<long, Conversation> Read);

    private sealed record NextPlan(PassPlan Plan, DateTimeOffset At);

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
