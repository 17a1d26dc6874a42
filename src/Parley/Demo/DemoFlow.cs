using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Parley.Bots;
using Parley.Data;

namespace Parley.Demo;

/// <summary>The demo account's bot as a published flow, kept as code in Demo/demo-flow.yaml.</summary>
public static class DemoFlow
{
    public const string Name = "La Posta assistant";

    public static string Yaml { get; } = Read();

    /// <summary>Publishes the demo flow as the account's default, once (also in a demo database seeded before flows existed).</summary>
    public static async Task SeedAsync(ParleyDb db, DateTime now, CancellationToken ct)
    {
        var accountId = await db.Accounts.Where(a => a.Name == DemoWorkspace.AccountName).OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is null || await db.BotFlows.AnyAsync(f => f.AccountId == accountId, ct))
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var flow = new BotFlow { AccountId = accountId.Value, Name = Name, IsDefault = true, Draft = Yaml, DraftUpdatedAt = now, CreatedAt = now };
            db.BotFlows.Add(flow);
            await db.SaveChangesAsync(ct);
            var version = new BotFlowVersion { FlowId = flow.Id, Number = 1, Document = Yaml, PublishedAt = now, Note = "The demo's flow" };
            db.BotFlowVersions.Add(version);
            await db.SaveChangesAsync(ct);
            flow.PublishedVersionId = version.Id;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another node seeded it at the same time.
        }
    }

    private static string Read()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Parley.Demo.demo-flow.yaml")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
