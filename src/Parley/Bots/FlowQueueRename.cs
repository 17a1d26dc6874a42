using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Data;

namespace Parley.Bots;

/// <summary>
/// Flows name queues by name, so a queue's rename is carried into them in the rename's transaction: each flow of the
/// account whose published version names the queue gets a new version naming the new name (versions are never changed,
/// and the note says why), and a draft naming it is changed too. Without this the flows would no longer find the queue
/// and would send customers to the inbox's default queue instead, with nothing to tell the admin.
/// </summary>
/// <remarks>
/// Only the queue names change in a document: its comments, order and layout stay as its channel managers wrote them
/// (<see cref="FlowTextEdit"/>). Conversations already in a flow keep the version they started on and hand over by the
/// old name, which then falls back to the inbox's default queue.
/// </remarks>
public static class FlowQueueRename
{
    /// <returns>The names of the flows that got a new version.</returns>
    public static async Task<IReadOnlyList<string>> CarryAsync(
        ParleyDb db, long accountId, string from, string to, long by, DateTime now, CancellationToken ct)
    {
        var flows = await db.BotFlows.Where(f => f.AccountId == accountId).OrderBy(f => f.Id).ToListAsync(ct);
        var published = await db.BotFlowVersions.AsNoTracking()
            .Where(v => db.BotFlows.Any(f => f.AccountId == accountId && f.PublishedVersionId == v.Id))
            .ToDictionaryAsync(v => v.Id, ct);
        var changed = new List<string>();
        foreach (var flow in flows)
        {
            if (Renamed(flow.Draft, from, to) is { } draft)
            {
                flow.Draft = draft;
            }

            if (flow.PublishedVersionId is not { } id || !published.TryGetValue(id, out var version) || Renamed(version.Document, from, to) is not { } document)
            {
                continue;
            }

            var number = await db.BotFlowVersions.Where(v => v.FlowId == flow.Id).MaxAsync(v => v.Number, ct) + 1;
            var next = new BotFlowVersion
            {
                FlowId = flow.Id, Number = number, Document = document, PublishedAt = now, PublishedBy = by,
                Note = $"Queue '{from}' renamed to '{to}'",
            };
            db.BotFlowVersions.Add(next);
            await db.SaveChangesAsync(ct);
            flow.PublishedVersionId = next.Id;
            changed.Add(flow.Name);
        }

        await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>
    /// The document with every handoff to <paramref name="from"/> sent to <paramref name="to"/>; null when it names no such
    /// queue (or does not parse). The names are replaced in the text where they stand; a document whose text cannot be
    /// edited so (one that reads back otherwise, with anchors for example) is written out again whole, without comments.
    /// </summary>
    public static string? Renamed(string yaml, string from, string to)
    {
        FlowDocument flow;
        try
        {
            flow = FlowYaml.Read(yaml);
        }
        catch (FlowYamlException)
        {
            return null;
        }

        var named = false;
        string? Swap(string? queue)
        {
            named |= queue == from;
            return queue == from ? to : queue;
        }

        flow.Handoff.Queue = Swap(flow.Handoff.Queue);
        foreach (var rule in flow.Handoff.Rules)
        {
            rule.Queue = Swap(rule.Queue);
        }

        foreach (var step in flow.Steps.Where(s => s.Type == StepKind.Handoff))
        {
            step.Queue = Swap(step.Queue);
        }

        return named ? FlowTextEdit.ReplaceQueues(yaml, from, to, flow) ?? FlowYaml.Write(flow) : null;
    }
}
