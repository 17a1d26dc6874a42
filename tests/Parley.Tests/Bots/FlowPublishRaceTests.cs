using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Bots;
using Parley.Data;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;
using static Parley.Tests.Routing.QueueDeletionTests;

namespace Parley.Tests.Bots;

/// <summary>
/// Two publishes of one flow at the same moment on PostgreSQL both read the same last version number; the second to
/// write is refused with a 409 that says why (it was a 500), and the first one's version stays the published one.
/// </summary>
public sealed class FlowPublishRaceTests
{
    [Theory, OnPostgres]
    public async Task A_publish_that_loses_the_race_for_its_version_number_is_a_conflict(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        await QueueAsync(admin, account, "Claims");
        var created = await admin.PostAsJsonAsync("/api/console/flows", new { accountId = account, name = "Claims flow", isDefault = false, yaml = Flow("Claims") });
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var flowId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("flow").GetProperty("id").GetInt64();

        // Right after this publish read the last number, another one writes the next version.
        long other = 0;
        app.Hook.Once(sql => sql.Contains("max(", StringComparison.OrdinalIgnoreCase) && sql.Contains("bot_flow_versions", StringComparison.Ordinal), async () =>
        {
            other = await app.DbAsync(async db =>
            {
                var version = new BotFlowVersion { FlowId = flowId, Number = 1, Document = Flow("Claims"), PublishedAt = DateTime.UtcNow, PublishedBy = null, Note = "the other" };
                db.BotFlowVersions.Add(version);
                await db.SaveChangesAsync();
                return version.Id;
            });
        });
        var published = await admin.PostAsJsonAsync($"/api/console/flows/{flowId}/publish", new { note = "mine" });

        Assert.True(app.Hook.Fired);
        var refusal = await Expect.ProblemAsync(published, HttpStatusCode.Conflict);
        Assert.Contains("published by someone else at the same moment", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["the other"], await app.DbAsync(db => db.BotFlowVersions.Where(v => v.FlowId == flowId).Select(v => v.Note).ToListAsync()));
        Assert.DoesNotContain(app.LoggedErrors, e => !e.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.True(other > 0);
    }
}
