using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// The router keeps its advisors, skills and capacities between passes (<see cref="RoutingSnapshotCache"/>): a change made
/// while that is warm is respected by the very next pass, through the engine. Marie and Luca are online and free, so
/// Marie wins every tie on her lower id; once she cannot take the conversation, the next pass gives it to Luca. A cache
/// that missed the change plans on Marie: the commit refuses her (presence, capacity) and the conversation stays queued,
/// or gets it (a skill, which only the plan checks).
/// </summary>
public sealed class SnapshotCacheTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_going_away_is_seen_by_the_next_pass(DatabaseProvider provider) =>
        await NextPassGivesLucaAsync(provider, (app, marie, _) => SetPresenceAsync(app, marie, Presence.Away));

    [Theory, OnSqlite, OnPostgres]
    public async Task A_lowered_capacity_is_seen_by_the_next_pass(DatabaseProvider provider) =>
        await NextPassGivesLucaAsync(provider, async (app, marie, admin) =>
            await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/capacity", new RoutingAdminApi.Capacities(0, 0)), HttpStatusCode.OK));

    [Theory, OnSqlite, OnPostgres]
    public async Task A_removed_skill_is_seen_by_the_next_pass(DatabaseProvider provider) =>
        await NextPassGivesLucaAsync(provider, async (app, marie, admin) =>
            await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}/skills", new RoutingAdminApi.AdvisorSkills([])), HttpStatusCode.OK));

    [Theory, OnSqlite, OnPostgres]
    public async Task A_disabled_advisor_is_seen_by_the_next_pass(DatabaseProvider provider) =>
        await NextPassGivesLucaAsync(provider, async (app, marie, _) =>
        {
            var queues = await app.DbAsync(db => db.AdvisorQueues.Where(q => q.AdvisorId == marie.Id).Select(q => q.QueueId).ToListAsync());
            var edit = new AdvisorEdit("Marie", AdvisorRole.Advisor, marie.AccountIds.ToList(), queues, Disabled: true);
            var admin = await app.AdvisorAsync("admin@parley.local");
            Assert.True((await app.Service<AdvisorAdministration>().EditAsync(admin, marie.Id, edit, CancellationToken.None)).Done);
        });

    private static async Task NextPassGivesLucaAsync(DatabaseProvider provider, Func<ParleyApplication, AdvisorSession, HttpClient, Task> change)
    {
        await using var app = new ParleyApplication(provider);
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        Assert.True(marie.Id < luca.Id);
        // Parcels requires a skill both hold, so that removing Marie's leaves her out of the plan only.
        var italian = await SkillAsync(app, "italian", (marie, 3), (luca, 3));
        var parcels = await ParcelsAsync(app);
        await app.DbAsync(db => { db.QueueSkills.Add(new QueueSkill { QueueId = parcels, SkillId = italian, MinLevel = 1 }); return db.SaveChangesAsync(); });
        await SetPresenceAsync(app, marie, Presence.Online);
        await SetPresenceAsync(app, luca, Presence.Online);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");

        // Warm: a first conversation goes to Marie, and the router now holds both advisors, their skills and loads.
        Assert.Equal(marie.Id, (await AssignedAsync(app, await QueueOneAsync(app))).AssigneeId);
        await router.AssignAsync(CancellationToken.None);

        await change(app, marie, admin);
        var id = await QueueOneAsync(app);
        await router.AssignAsync(CancellationToken.None);

        var conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Assigned, luca.Id), (conversation.Status, conversation.AssigneeId));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }
}
