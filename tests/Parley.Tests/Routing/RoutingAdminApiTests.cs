using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>Admins manage skills, levels, capacities and queues' requirements of their own accounts; nobody else does.</summary>
public sealed class RoutingAdminApiTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_sets_skills_levels_capacities_and_a_queues_requirements(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var account = marie.AccountIds.First();
        var parcels = await ParcelsAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");

        var created = await admin.PostAsJsonAsync("/api/console/skills", new { accountId = account, name = "italian", kind = "language" });
        await Expect.StatusAsync(created, HttpStatusCode.OK);
        var skill = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/skills", new { accountId = account, name = "italian", kind = "language" }), HttpStatusCode.Conflict);
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/skills", new { skills = new[] { new { skillId = skill, level = 4 } } }), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/capacity", new { @private = 4, @public = 6 }), HttpStatusCode.OK);
        var routing = new
        {
            skills = new[] { new { skillId = skill, level = 3 } },
            relaxations = new object[] { new { afterSeconds = 60, skillId = skill, lowerTo = 1 }, new { afterSeconds = 300 } },
            stickySeconds = 900,
        };
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/queues/{parcels}/routing", routing), HttpStatusCode.OK);

        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/console/queues/{parcels}/routing");
        Assert.Equal(900, read.GetProperty("stickySeconds").GetInt32());
        Assert.Equal(2, read.GetProperty("relaxations").GetArrayLength());
        Assert.Equal(4, await app.DbAsync(db => db.AdvisorSkills.Where(s => s.AdvisorId == marie.Id).Select(s => s.Level).SingleAsync()));
        var stored = await app.DbAsync(db => db.Advisors.AsNoTracking().SingleAsync(a => a.Id == marie.Id));
        Assert.Equal((4, 6), (stored.Capacity, stored.PublicCapacity));
        await Expect.StatusAsync(await admin.PutAsJsonAsync("/api/console/channel-weights", new { accountId = account, channel = "whatsApp", units = 2 }), HttpStatusCode.OK);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Routing_settings_are_refused_to_non_admins_outside_their_accounts_and_on_bad_input(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var account = marie.AccountIds.First();
        var parcels = await ParcelsAsync(app);
        var (outsider, otherQueue) = await TransferTests.OtherAccountAsync(app);
        var otherAccount = await app.DbAsync(db => db.Queues.Where(q => q.Id == otherQueue).Select(q => q.AccountId).FirstAsync());
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        using var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");

        await Expect.ProblemAsync(await supervisor.PostAsJsonAsync("/api/console/skills", new { accountId = account, name = "vip", kind = "vip" }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await supervisor.GetAsync($"/api/console/queues/{parcels}/routing"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/skills"), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/skills", new { accountId = otherAccount, name = "vip", kind = "vip" }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{outsider}/capacity", new { @private = 1, @public = 1 }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/queues/{otherQueue}/routing", new { stickySeconds = 0 }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/skills", new { accountId = account, name = "", kind = "vip" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/capacity", new { @private = -1, @public = 1 }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/queues/{parcels}/routing", new { skills = new[] { new { skillId = 1, level = 9 } } }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/skills", new { skills = new[] { new { skillId = 999_999, level = 2 } } }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync("/api/console/channel-weights", new { accountId = account, channel = "webMessaging", units = 0 }), HttpStatusCode.BadRequest);
        Assert.Empty(await app.DbAsync(db => db.Skills.ToListAsync()));
    }
}
