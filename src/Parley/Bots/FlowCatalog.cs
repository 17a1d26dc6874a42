using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Data;

namespace Parley.Bots;

/// <summary>A published version ready to run: its document and what understands messages for it.</summary>
public sealed record CompiledFlow(long VersionId, long FlowId, long AccountId, string Name, FlowDocument Document, FlowUnderstanding Understanding);

/// <summary>
/// Finds the flow a conversation runs: the version it started on, or for a new one the version published now for its
/// inbox (else its account's default). The published version is read from the database each time a conversation
/// starts, so a publication takes effect at once on every node; versions never change, so each is compiled (its intents
/// trained) once per node and kept.
/// </summary>
public sealed class FlowCatalog(ILogger<FlowCatalog> logger)
{
    private const int MaxCompiled = 256;
    private readonly ConcurrentDictionary<long, CompiledFlow> _compiled = new();

    /// <summary>The version published now for the inbox, or the account's default flow; null when neither has one.</summary>
    public Task<CompiledFlow?> PublishedAsync(ParleyDb db, Inbox inbox, CancellationToken cancellationToken) =>
        PublishedAsync(db, inbox.AccountId, inbox.Id, cancellationToken);

    public async Task<CompiledFlow?> PublishedAsync(ParleyDb db, long accountId, long inboxId, CancellationToken cancellationToken)
    {
        var versionId = await db.BotFlows.AsNoTracking()
            .Where(f => f.AccountId == accountId && f.PublishedVersionId != null && (f.InboxId == inboxId || (f.IsDefault && f.InboxId == null)))
            .OrderBy(f => f.InboxId == null)
            .Select(f => f.PublishedVersionId)
            .FirstOrDefaultAsync(cancellationToken);
        return versionId is { } id ? await VersionAsync(db, id, cancellationToken) : null;
    }

    /// <summary>The version published now of the account's flow called <paramref name="name"/> (a goto step's target).</summary>
    public async Task<CompiledFlow?> NamedAsync(ParleyDb db, long accountId, string name, CancellationToken cancellationToken)
    {
        var versionId = await db.BotFlows.AsNoTracking()
            .Where(f => f.AccountId == accountId && f.Name == name)
            .Select(f => f.PublishedVersionId)
            .FirstOrDefaultAsync(cancellationToken);
        return versionId is { } id ? await VersionAsync(db, id, cancellationToken) : null;
    }

    public async Task<CompiledFlow?> VersionAsync(ParleyDb db, long versionId, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue(versionId, out var known))
        {
            return known;
        }

        var version = await db.BotFlowVersions.AsNoTracking()
            .Where(v => v.Id == versionId)
            .Join(db.BotFlows, v => v.FlowId, f => f.Id, (v, f) => new { v.Document, f.Id, f.AccountId, f.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return null;
        }

        return Compile(versionId, version.Id, version.AccountId, version.Name, version.Document);
    }

    /// <summary>Compiles a version (parses it, trains its intents) and keeps it; publishing calls it so the first customer does not wait.</summary>
    public CompiledFlow Compile(long versionId, long flowId, long accountId, string name, string document)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var flow = FlowYaml.Read(document);
        var compiled = new CompiledFlow(versionId, flowId, accountId, name, flow, FlowUnderstanding.Train(flow));
        logger.LogInformation("Compiled flow {Name} version {VersionId} in {Elapsed} ms", name, versionId,
            (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (_compiled.Count >= MaxCompiled)
        {
            _compiled.Clear();
        }

        return _compiled.GetOrAdd(versionId, compiled);
    }
}
