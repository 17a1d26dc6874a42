using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// What keeps a queue from being deleted, in words for the admin: what still sends customers to it (the published version
/// of a flow of its account, by name; an inbox's bot, by id; a connection's public bot, by id), and the conversations in
/// it. Open ones would lose their queue, so the admin transfers or resolves them first; past ones keep the queue as their
/// history (reports, and a web customer's return reopens in the last queue), so a queue that had any stays. Saved views'
/// queries may name it too: they simply match nothing once it is gone.
/// </summary>
public static class QueueReferences
{
    /// <summary>Why the queue cannot be deleted, or null when nothing holds it.</summary>
    public static async Task<string?> RefusalAsync(ParleyDb db, Queue queue, CancellationToken ct)
    {
        var namers = (await FlowsAsync(db, queue, ct)).Concat(await InboxBotsAsync(db, queue, ct)).Concat(await PublicBotsAsync(db, queue, ct)).ToList();
        var open = await db.Conversations.CountAsync(c => c.QueueId == queue.Id && c.Status != ConversationStatus.Resolved, ct);
        var parts = new List<string>();
        if (namers.Count > 0)
        {
            var who = namers.Count == 1 ? namers[0] : $"{string.Join(", ", namers[..^1])} and {namers[^1]}";
            parts.Add($"{char.ToUpperInvariant(who[0])}{who[1..]} {(namers.Count == 1 ? "hands" : "hand")} over to this queue: change {(namers.Count == 1 ? "it" : "them")} first.");
        }

        if (open > 0)
        {
            parts.Add(open == 1
                ? "1 open conversation is in it: transfer it to another queue or resolve it first."
                : $"{open} open conversations are in it: transfer them to another queue or resolve them first.");
        }
        else if (parts.Count == 0 && await db.Conversations.AnyAsync(c => c.QueueId == queue.Id, ct))
        {
            parts.Add($"'{queue.Name}' has past conversations, which keep it as their history: it stays; rename it instead.");
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    /// <summary>The queue names a flow document hands over to: its default, its rules' and its handoff steps'.</summary>
    public static IEnumerable<string> QueuesNamed(FlowDocument flow) =>
        new[] { flow.Handoff.Queue }
            .Concat(flow.Handoff.Rules.Select(r => r.Queue))
            .Concat(flow.Steps.Where(s => s.Type == StepKind.Handoff).Select(s => s.Queue))
            .OfType<string>();

    private static async Task<IEnumerable<string>> FlowsAsync(ParleyDb db, Queue queue, CancellationToken ct)
    {
        // Only published versions run (drafts are checked against the account's queues when they are published).
        var published = await db.BotFlows.AsNoTracking()
            .Where(f => f.AccountId == queue.AccountId && f.PublishedVersionId != null)
            .Join(db.BotFlowVersions, f => f.PublishedVersionId, v => (long?)v.Id, (f, v) => new { f.Name, v.Number, v.Document })
            .ToListAsync(ct);
        return published
            .Where(f => QueuesNamed(FlowYaml.Read(f.Document)).Contains(queue.Name, StringComparer.Ordinal))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"the flow '{f.Name}' (version {f.Number})");
    }

    private static async Task<IEnumerable<string>> InboxBotsAsync(ParleyDb db, Queue queue, CancellationToken ct)
    {
        var inboxes = await db.Inboxes.AsNoTracking().Where(i => i.AccountId == queue.AccountId).Select(i => new { i.Name, i.SettingsJson }).ToListAsync(ct);
        return inboxes
            .Where(i => InboxSettings.Parse(i.SettingsJson) is var s && (s.DefaultQueueId == queue.Id || s.Topics.Any(t => t.QueueId == queue.Id)))
            .OrderBy(i => i.Name, StringComparer.Ordinal)
            .Select(i => $"the bot of '{i.Name}'");
    }

    private static async Task<IEnumerable<string>> PublicBotsAsync(ParleyDb db, Queue queue, CancellationToken ct)
    {
        var connections = await db.Connections.AsNoTracking()
            .Join(db.Inboxes, c => c.InboxId, i => i.Id, (c, i) => new { i.AccountId, i.Name, c.SettingsJson })
            .Where(c => c.AccountId == queue.AccountId)
            .ToListAsync(ct);
        return connections
            .Where(c => ConnectionSettings.Parse(c.SettingsJson).PublicBot.QueueId == queue.Id)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => $"the public bot of '{c.Name}'");
    }
}
