using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>
/// A routing commit keeps the loads it counted and, on SQLite, counts again only advisors whose load moved since
/// (Routing/KnownLoads.cs): whoever moved it, the next commit sees the load as it is.
/// </summary>
public sealed class KnownLoadsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_place_taken_outside_routing_since_the_last_commit_is_counted(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await RoutingSetup.OnlineWithCapacityAsync(app, "marie@parley.local", 2);
        await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));

        // One statement of its own, not through routing nor any action: Marie gets a second conversation, her last place.
        var second = await RoutingSetup.QueueOneAsync(app);
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == second).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.Status, ConversationStatus.Assigned).SetProperty(c => c.AssigneeId, marie.Id)));

        var third = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(Router.Outcome.AdvisorFull, await router.AssignOneAsync(new Allocation(third, marie.Id), CancellationToken.None));
        Assert.Equal(ConversationStatus.Queued, (await RoutingSetup.ConversationAsync(app, third)).Status);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_place_freed_since_the_last_commit_is_given_again(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await RoutingSetup.OnlineWithCapacityAsync(app, "marie@parley.local", 1);
        var first = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));

        Assert.True((await app.Service<ConversationActions>().ResolveAsync(marie, first, CancellationToken.None)).Ok);
        var second = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(Router.Outcome.Assigned, await router.AssignOneAsync(new Allocation(second, marie.Id), CancellationToken.None));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_commit_takes_the_loads_nobody_moved_and_counts_the_others(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await RoutingSetup.OnlineWithCapacityAsync(app, "marie@parley.local", 3);
        await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(0, router.LoadsTaken);

        // Nobody else wrote: the second commit takes Marie's load as its own first commit left it.
        await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(1, router.LoadsTaken);

        // A web conversation now counts two units in her account: the loads known in units of one are not taken. Two
        // web conversations at two units each fill her three; taken at one unit each, a third would fit.
        var accountId = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Parcels").Select(q => q.AccountId).FirstAsync());
        await app.DbAsync(db =>
        {
            db.ChannelWeights.Add(new ChannelWeight { AccountId = accountId, Channel = ChannelKind.WebMessaging, Units = 2 });
            return db.SaveChangesAsync();
        });
        var third = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(Router.Outcome.AdvisorFull, await router.AssignOneAsync(new Allocation(third, marie.Id), CancellationToken.None));
        Assert.Equal(1, router.LoadsTaken);
        Assert.Equal(2, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_place_another_node_gave_since_the_last_commit_is_counted(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var one = new ParleyApplication(database) { RouteInBackground = false };
        var router = one.Service<Router>();
        var marie = await RoutingSetup.OnlineWithCapacityAsync(one, "marie@parley.local", 2);
        await RoutingSetup.QueueOneAsync(one);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));

        // A second node on the same database gives Marie her last place; this node's router has not seen it.
        await using var two = new ParleyApplication(database) { RouteInBackground = false };
        var second = await RoutingSetup.QueueOneAsync(one);
        Assert.Equal(Router.Outcome.Assigned, await two.Service<Router>().AssignOneAsync(new Allocation(second, marie.Id), CancellationToken.None));

        var third = await RoutingSetup.QueueOneAsync(one);
        Assert.Equal(Router.Outcome.AdvisorFull, await router.AssignOneAsync(new Allocation(third, marie.Id), CancellationToken.None));
        Assert.Equal(2, await one.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_plan_counting_afresh_takes_the_loads_nobody_moved(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        await RoutingSetup.OnlineWithCapacityAsync(app, "marie@parley.local", 3);
        await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(0, router.LoadsTakenByPlans);

        // Luca comes online: the team changed, so the next plan counts the loads afresh. Marie's is the one the commit
        // left, Luca's is counted.
        await RoutingSetup.OnlineWithCapacityAsync(app, "luca@parley.local", 3);
        await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(1, router.LoadsTakenByPlans);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_plan_counting_afresh_sees_a_place_freed_outside_routing(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await RoutingSetup.OnlineWithCapacityAsync(app, "marie@parley.local", 1);
        var first = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));

        // One statement of its own resolves Marie's conversation. The router's plans still hold her full; the plan that
        // finds nobody with room counts afresh, and her moved version makes it count her.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == first).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Resolved)));
        var second = await RoutingSetup.QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await RoutingSetup.ConversationAsync(app, second)).AssigneeId);
    }

    /// <summary>
    /// The triggers restate which statuses count in a load (SQLite 0038, PostgreSQL 0041): checked here against the C# rule
    /// for every change of status of a conversation with an assignee, each in its own transaction, and the C# list
    /// against the loads as they are counted.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task The_version_moves_exactly_when_a_status_change_moves_a_load(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var marie = await app.AdvisorAsync("marie@parley.local");
        var id = await RoutingSetup.QueueOneAsync(app);
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.AssigneeId, marie.Id)));

        Task<long> Version() => app.DbAsync(async db => await db.Database
            .SqlQuery<long>($"SELECT version AS \"Value\" FROM advisor_load_versions WHERE advisor_id = {marie.Id}").ToListAsync() is [var v] ? v : 0);
        Task Set(ConversationStatus status) =>
            app.DbAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, status)));

        var wrong = new List<string>();
        foreach (var from in Enum.GetValues<ConversationStatus>())
        {
            foreach (var to in Enum.GetValues<ConversationStatus>())
            {
                await Set(from);
                var before = await Version();
                await Set(to);
                var moved = await Version() != before;
                if (moved != (AdvisorLoad.CountingStatuses.Contains(from) != AdvisorLoad.CountingStatuses.Contains(to)))
                {
                    wrong.Add($"{from} to {to}: {(moved ? "moved" : "did not move")}");
                }

                // The list the triggers are checked against is the one the loads are counted by.
                var counted = (await app.DbAsync(db => AdvisorLoad.OfAsync(db, [marie.Id], CancellationToken.None))).GetValueOrDefault(marie.Id).Private > 0;
                if (counted != AdvisorLoad.CountingStatuses.Contains(to))
                {
                    wrong.Add($"{to}: {(counted ? "counted" : "not counted")} in the load");
                }
            }
        }

        Assert.Empty(wrong);
    }
}
