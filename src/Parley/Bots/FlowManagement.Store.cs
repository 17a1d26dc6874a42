using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

public sealed partial class FlowManagement
{
    private async Task<FlowResult> WithFlowAsync(AdvisorSession advisor, long id, Func<ParleyDb, BotFlow, Task<FlowResult>> action, CancellationToken ct)
    {
        if (!advisor.CanEditFlows)
        {
            return Forbidden();
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var flow = await db.BotFlows.FirstOrDefaultAsync(f => f.Id == id, ct);

        // Another account's flow is as absent as one that does not exist: its id says nothing.
        if (flow is null || !advisor.CanAccess(flow.AccountId))
        {
            return FlowResult.Fail(ManagementOutcome.NotFound, "No such flow in your accounts.");
        }

        return await action(db, flow);
    }

    /// <summary>
    /// Publishes the document as the next version, if every queue it names is still one of the account's: checked in the
    /// publishing transaction under the queues' shared locks (<see cref="Routing.QueueLocks"/>), so a queue deleted or
    /// renamed meanwhile either waits for this version (and sees it) or refuses it here (409).
    /// </summary>
    private async Task<FlowResult> PublishDocumentAsync(ParleyDb db, BotFlow flow, string document, AdvisorSession advisor, string? note, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var named = Parse(document).Document is { } parsed ? Routing.QueueReferences.QueuesNamed(parsed).ToList() : [];
        if (await Routing.QueueLocks.ShareByNameAsync(db, flow.AccountId, named, ct) is [var gone, ..])
        {
            return FlowResult.Fail(ManagementOutcome.Conflict, $"The flow hands over to the queue '{gone}', which is no longer one of the account's: change it first.");
        }

        var number = (await db.BotFlowVersions.Where(v => v.FlowId == flow.Id).MaxAsync(v => (int?)v.Number, ct) ?? 0) + 1;
        var version = new BotFlowVersion
        {
            FlowId = flow.Id,
            Number = number,
            Document = document,
            PublishedAt = clock.GetUtcNow().UtcDateTime,
            PublishedBy = advisor.Id,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)],
        };
        db.BotFlowVersions.Add(version);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another publish of this flow took the same number first (PostgreSQL; SQLite's writers go one at a time).
            return FlowResult.Fail(ManagementOutcome.Conflict, $"Version {number} of this flow was published by someone else at the same moment: reload it, then publish again.");
        }

        flow.PublishedVersionId = version.Id;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        // Trained here, so the first customer on this node does not wait for it; other nodes train on first use.
        catalog.Compile(version.Id, flow.Id, flow.AccountId, flow.Name, document);
        return FlowResult.Done(new FlowVersionView(version.Id, number, version.PublishedAt, advisor.DisplayName, version.Note, true));
    }

    private async Task<IReadOnlyList<FlowProblem>> ProblemsAsync(ParleyDb db, BotFlow flow, string yaml, CancellationToken ct)
    {
        var (document, problem) = Parse(yaml);
        if (document is null)
        {
            return [new FlowProblem(ProblemSeverity.Error, null, problem!)];
        }

        var queues = (await db.Queues.Where(q => q.AccountId == flow.AccountId).Select(q => q.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var flows = (await db.BotFlows.Where(f => f.AccountId == flow.AccountId && f.Id != flow.Id).Select(f => f.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var inboxes = db.Inboxes.Where(i => i.AccountId == flow.AccountId);
        var channels = await (flow.InboxId is { } inboxId ? inboxes.Where(i => i.Id == inboxId) : inboxes).Select(i => i.Channel).Distinct().ToListAsync(ct);
        return validator.Validate(document, channels.Count == 0 ? null : channels, queues, flows);
    }

    private static async Task<string?> DocumentAsync(ParleyDb db, BotFlow flow, int number, CancellationToken ct) =>
        number == 0
            ? flow.Draft
            : await db.BotFlowVersions.Where(v => v.FlowId == flow.Id && v.Number == number).Select(v => v.Document).FirstOrDefaultAsync(ct);

    private async Task<FlowDetail> DetailAsync(ParleyDb db, BotFlow flow, CancellationToken ct) =>
        new(await SummaryAsync(db, flow, ct), flow.Draft, await ProblemsAsync(db, flow, flow.Draft, ct));

    private static async Task<FlowSummary> SummaryAsync(ParleyDb db, BotFlow flow, CancellationToken ct)
    {
        var published = flow.PublishedVersionId is { } id
            ? await db.BotFlowVersions.Where(v => v.Id == id).Select(v => new { v.Number, v.Document }).FirstOrDefaultAsync(ct)
            : null;
        return new FlowSummary(flow.Id, flow.AccountId, flow.Name, flow.InboxId, flow.IsDefault, published?.Number, flow.DraftUpdatedAt,
            published is null || !string.Equals(published.Document, flow.Draft, StringComparison.Ordinal));
    }

    private static (FlowDocument? Document, string? Problem) Parse(string yaml)
    {
        if (yaml.Length > MaxYamlLength)
        {
            return (null, $"A flow is at most {MaxYamlLength / 1024} KB of YAML.");
        }

        try
        {
            return (FlowYaml.Read(yaml), null);
        }
        catch (FlowYamlException e)
        {
            return (null, e.Message);
        }
    }

    private static FlowResult Forbidden() => FlowResult.Fail(ManagementOutcome.Forbidden, "Only channel managers and admins work on the bot's flows.");

    private static FlowResult Invalid(string problem) => FlowResult.Fail(ManagementOutcome.Invalid, problem);
}
