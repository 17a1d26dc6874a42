using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// A pass reads a pass size of the waiting line. When the head of the line needs what nobody online with room has, the
/// pass reads on behind it: a conversation somebody can take is not held back by those nobody can.
/// </summary>
public sealed class DeepReadTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Conversations_behind_a_head_nobody_can_take_are_assigned_in_the_order_of_the_line(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false, Settings = { ["Routing:PassSize"] = "2" } };
        var router = app.Service<Router>();

        // Five queued in Parcels, one after the other: the first three need German, which nobody speaks.
        var ids = await LineAsync(app, count: 5, needGerman: 3);

        // Room for one: the first that can be placed gets it, not the one behind it.
        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", capacity: 1);
        var plan = (await router.PlanAsync(CancellationToken.None)).Allocations;
        Assert.Equal([ids[3]], plan.Select(a => a.ConversationId)); // the window behind counts the room the one before took
        Assert.Equal([Router.Outcome.Assigned], await router.CommitAsync(plan, CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[3])).AssigneeId);

        // Room for two more: the last one goes; the three that need German stay queued.
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 3)));
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[4])).AssigneeId);
        foreach (var id in ids[..3])
        {
            Assert.Equal(ConversationStatus.Queued, (await ConversationAsync(app, id)).Status);
        }

        Assert.Equal(0, await router.AssignAsync(CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task While_the_head_is_held_the_kept_loads_are_counted_again_once_a_second(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false, Settings = { ["Routing:PassSize"] = "2" } };
        var router = app.Service<Router>();
        var ids = await LineAsync(app, count: 9, needGerman: 3);
        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", capacity: 1);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[3])).AssigneeId);
        var luca = await OnlineWithCapacityAsync(app, "luca@parley.local", capacity: 10);
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None)); // counted afresh (the team changed): Luca's

        // Marie's conversation is resolved elsewhere. Luca still has room, so plans on the kept loads keep placing.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == ids[3])
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Resolved).SetProperty(c => c.AssigneeId, (long?)null)));
        var kept = (await router.PlanAsync(CancellationToken.None)).Allocations;
        Assert.NotEmpty(kept);
        Assert.All(kept, a => Assert.Equal(luca.Id, a.AdvisorId));

        // A second on, the loads are counted again: Marie's room is seen.
        app.Clock.Advance(RoutingSnapshotCache.LoadsLifetimeWhileHeld);
        Assert.Contains(marie.Id, (await router.PlanAsync(CancellationToken.None)).Allocations.Select(a => a.AdvisorId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Each_window_reads_on_from_where_the_last_ended_down_to_sixteen_pass_sizes(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false, Settings = { ["Routing:PassSize"] = "2" } };
        var router = app.Service<Router>();

        // Nineteen that need German, then one anybody can take: 20th in the line, within 16 pass sizes (32) only if each
        // window (2, 2, 4, 8, 16) starts where the one before ended.
        var ids = await LineAsync(app, count: 20, needGerman: 19);

        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", capacity: 5);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[19])).AssigneeId);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task While_the_head_is_held_room_freed_behind_the_routers_back_is_found_at_once(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false, Settings = { ["Routing:PassSize"] = "2" } };
        var router = app.Service<Router>();
        var ids = await LineAsync(app, count: 5, needGerman: 3);
        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", capacity: 1);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[3])).AssigneeId);

        // Resolved elsewhere (another node, an advisor): the router's cached loads still count it, and the head is held.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == ids[3])
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Resolved).SetProperty(c => c.AssigneeId, (long?)null)));
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await ConversationAsync(app, ids[4])).AssigneeId);
    }

    /// <summary>Conversations queued in Parcels one after the other, the first of them needing German, which nobody speaks.</summary>
    private static async Task<List<long>> LineAsync(ParleyApplication app, int count, int needGerman)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await QueueOneAsync(app));
        }

        var german = await SkillAsync(app, "german");
        await app.DbAsync(db =>
        {
            db.ConversationSkills.AddRange(ids[..needGerman].Select(id => new ConversationSkill { ConversationId = id, SkillId = german, MinLevel = 1 }));
            return db.SaveChangesAsync();
        });
        return ids;
    }
}
