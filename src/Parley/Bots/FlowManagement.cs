using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

/// <summary>
/// The channel managers' work on flows, checked against role and account on every call: create, edit the draft, validate,
/// publish, see the history and what changed, roll back. Publishing writes a new version that is never changed: it takes
/// effect for new conversations at once on every node (they read the published version when they start), while
/// conversations in flight finish on theirs.
/// </summary>
public sealed partial class FlowManagement(IDbContextFactory<ParleyDb> dbs, FlowValidator validator, FlowCatalog catalog, TimeProvider clock)
{
    public const int MaxYamlLength = 512 * 1024;
    private const string NewFlow = "start: hello\nsteps:\n- id: hello\n  type: message\n  text: Hello! How can I help?\n";

    public async Task<FlowResult> ListAsync(AdvisorSession advisor, CancellationToken ct)
    {
        if (!advisor.CanEditFlows)
        {
            return Forbidden();
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var flows = await db.BotFlows.AsNoTracking().Where(f => advisor.AccountIds.Contains(f.AccountId)).OrderBy(f => f.AccountId).ThenBy(f => f.Name).ToListAsync(ct);
        var summaries = new List<FlowSummary>();
        foreach (var flow in flows)
        {
            summaries.Add(await SummaryAsync(db, flow, ct));
        }

        return FlowResult.Done(summaries);
    }

    public async Task<FlowResult> CreateAsync(AdvisorSession advisor, FlowInput input, CancellationToken ct)
    {
        if (!advisor.CanEditFlows || !advisor.CanAccess(input.AccountId))
        {
            return Forbidden();
        }

        var name = input.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 100)
        {
            return Invalid("A flow needs a name of up to 100 characters.");
        }

        if (Parse(input.Yaml ?? $"name: {name}\n{NewFlow}") is { Problem: { } problem })
        {
            return Invalid(problem);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (input.InboxId is { } inboxId && !await db.Inboxes.AnyAsync(i => i.Id == inboxId && i.AccountId == input.AccountId, ct))
        {
            return Invalid($"Inbox {inboxId} is not in this account.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var flow = new BotFlow
        {
            AccountId = input.AccountId,
            Name = name,
            InboxId = input.InboxId,
            IsDefault = input.IsDefault,
            Draft = input.Yaml ?? $"name: {name}\n{NewFlow}",
            DraftUpdatedAt = now,
            DraftUpdatedBy = advisor.Id,
            CreatedAt = now,
        };
        db.BotFlows.Add(flow);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return FlowResult.Fail(ManagementOutcome.Conflict, "The account already has a flow of that name, or one for that inbox, or a default flow.");
        }

        return FlowResult.Done(await DetailAsync(db, flow, ct));
    }

    public async Task<FlowResult> GetAsync(AdvisorSession advisor, long id, CancellationToken ct) =>
        await WithFlowAsync(advisor, id, async (db, flow) => FlowResult.Done(await DetailAsync(db, flow, ct)), ct);

    /// <summary>Replaces the draft (an edit in the console, or an import of YAML kept as code).</summary>
    public Task<FlowResult> SaveDraftAsync(AdvisorSession advisor, long id, string yaml, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) =>
        {
            if (Parse(yaml) is { Problem: { } problem })
            {
                return Invalid(problem);
            }

            flow.Draft = yaml;
            flow.DraftUpdatedAt = clock.GetUtcNow().UtcDateTime;
            flow.DraftUpdatedBy = advisor.Id;
            await db.SaveChangesAsync(ct);
            return FlowResult.Done(await DetailAsync(db, flow, ct));
        }, ct);

    /// <summary>Publishes the draft as the next version, when it has no errors; its intents are trained at once.</summary>
    public Task<FlowResult> PublishAsync(AdvisorSession advisor, long id, string? note, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) =>
        {
            var problems = await ProblemsAsync(db, flow, flow.Draft, ct);
            if (problems.Any(p => p.Severity == ProblemSeverity.Error))
            {
                return FlowResult.Fail(ManagementOutcome.Invalid, "The draft has errors; fix them before publishing.", problems);
            }

            return await PublishDocumentAsync(db, flow, flow.Draft, advisor, note, ct);
        }, ct);

    /// <summary>Publishes an earlier version's document again, as the next version, and makes it the draft too.</summary>
    public Task<FlowResult> RollbackAsync(AdvisorSession advisor, long id, int number, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) =>
        {
            var old = await db.BotFlowVersions.AsNoTracking().FirstOrDefaultAsync(v => v.FlowId == flow.Id && v.Number == number, ct);
            if (old is null)
            {
                return FlowResult.Fail(ManagementOutcome.NotFound, $"The flow has no version {number}.");
            }

            flow.Draft = old.Document;
            flow.DraftUpdatedAt = clock.GetUtcNow().UtcDateTime;
            flow.DraftUpdatedBy = advisor.Id;
            return await PublishDocumentAsync(db, flow, old.Document, advisor, $"Rollback to version {number}", ct);
        }, ct);

    public Task<FlowResult> VersionsAsync(AdvisorSession advisor, long id, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) =>
        {
            var versions = await db.BotFlowVersions.AsNoTracking().Where(v => v.FlowId == flow.Id).OrderByDescending(v => v.Number)
                .Select(v => new { v.Id, v.Number, v.PublishedAt, v.Note, By = db.Advisors.Where(a => a.Id == v.PublishedBy).Select(a => a.DisplayName).FirstOrDefault() })
                .ToListAsync(ct);
            return FlowResult.Done(versions.Select(v => new FlowVersionView(v.Id, v.Number, v.PublishedAt, v.By, v.Note, v.Id == flow.PublishedVersionId)).ToList());
        }, ct);

    /// <summary>A version's document (YAML); 0 is the draft.</summary>
    public Task<FlowResult> DocumentAsync(AdvisorSession advisor, long id, int number, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) => await DocumentAsync(db, flow, number, ct) is { } yaml
            ? FlowResult.Done(yaml)
            : FlowResult.Fail(ManagementOutcome.NotFound, $"The flow has no version {number}."), ct);

    /// <summary>What changed from one version to another (0: the draft), line by line.</summary>
    public Task<FlowResult> DiffAsync(AdvisorSession advisor, long id, int from, int to, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) =>
        {
            var before = await DocumentAsync(db, flow, from, ct);
            var after = await DocumentAsync(db, flow, to, ct);
            return before is null || after is null
                ? FlowResult.Fail(ManagementOutcome.NotFound, $"The flow has no version {(before is null ? from : to)}.")
                : FlowResult.Done(FlowDiff.Lines(before, after));
        }, ct);

    public Task<FlowResult> ValidateAsync(AdvisorSession advisor, long id, CancellationToken ct) =>
        WithFlowAsync(advisor, id, async (db, flow) => FlowResult.Done(await ProblemsAsync(db, flow, flow.Draft, ct)), ct);
}
