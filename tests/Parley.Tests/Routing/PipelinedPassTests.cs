using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// A pass whose read was full plans the next pass while it commits: past the conversations it holds, counting the room it
/// takes, and the next pass commits that plan if it is recent and the team has not changed.
/// </summary>
public sealed class PipelinedPassTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task The_next_plan_reads_past_a_plan_in_flight_and_counts_the_room_it_holds(DatabaseProvider provider)
    {
        await using var app = await AppAsync(provider, routeInBackground: false);
        var router = app.Service<Router>();
        var marie = await MarieOnlineAsync(app, capacity: 3);
        var ids = await QueueAsync(app, 5);

        var first = (await router.PlanAsync(CancellationToken.None)).Allocations;
        var next = (await router.PlanAsync(CancellationToken.None, pastReserved: true)).Allocations;
        // Any other plan (a pass beside it, as on another node) ignores what the first holds.
        var other = (await router.PlanAsync(CancellationToken.None)).Allocations;

        Assert.Equal(ids[..2], first.Select(a => a.ConversationId));
        Assert.Equal([ids[2]], next.Select(a => a.ConversationId)); // Marie has room for one more beside the first two
        Assert.Equal(ids[..2], other.Select(a => a.ConversationId));
        Assert.All(first.Concat(next), a => Assert.Equal(marie.Id, a.AdvisorId));

        Assert.Equal([Router.Outcome.Assigned, Router.Outcome.Assigned], await router.CommitAsync(first, CancellationToken.None));
        Assert.Equal([Router.Outcome.NoLongerQueued, Router.Outcome.NoLongerQueued], await router.CommitAsync(other, CancellationToken.None));

        // The third is still held by the plan in flight: nothing is left for Marie.
        Assert.Empty((await router.PlanAsync(CancellationToken.None, pastReserved: true)).Allocations);
        Assert.Equal([Router.Outcome.Assigned], await router.CommitAsync(next, CancellationToken.None));
        Assert.Equal(3, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));

        // Committed, it holds nothing any more: the next plan reads the fourth, and Marie is full.
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 4)));
        Assert.Equal([ids[3]], (await router.PlanAsync(CancellationToken.None, pastReserved: true)).Allocations.Select(a => a.ConversationId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_next_pass_commits_the_plan_made_during_the_last_unless_it_is_old_or_the_team_changed(DatabaseProvider provider)
    {
        await using var app = await AppAsync(provider, routeInBackground: false);
        var router = app.Service<Router>();
        var marie = await MarieOnlineAsync(app, capacity: 10);
        var ids = await QueueAsync(app, 8);
        app.Clock.Advance(TimeSpan.FromSeconds(10));

        // Each pass assigns two; the waits in their reasons tell when each was planned.
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(new[] { 10.0, 10.0 }, await WaitedAsync(app, ids[0], ids[1]));

        app.Clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(new[] { 10.0, 10.0 }, await WaitedAsync(app, ids[2], ids[3])); // planned during the first pass

        app.Clock.Advance(Router.NextPlanLifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(new[] { 12.5, 12.5 }, await WaitedAsync(app, ids[4], ids[5])); // the plan made at 10.5 s was too old

        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 11)));
        app.Clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(new[] { 13.0, 13.0 }, await WaitedAsync(app, ids[6], ids[7])); // the team changed since 12.5 s
        Assert.Equal(8, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_router_goes_on_at_once_after_a_pass_that_assigned(DatabaseProvider provider)
    {
        await using var app = await AppAsync(provider, routeInBackground: true);
        var ids = await QueueAsync(app, 6);

        // Three passes of two. Before, the router waited for the next change (or five seconds) after each.
        await MarieOnlineAsync(app, capacity: 10);
        await Expect.UntilAsync(
            async () => await app.DbAsync(db => db.Conversations.CountAsync(c => ids.Contains(c.Id) && c.Status == ConversationStatus.Assigned)) == ids.Count,
            "every conversation to be assigned by the router's own passes", TimeSpan.FromSeconds(4));
    }

    private static async Task<ParleyApplication> AppAsync(DatabaseProvider provider, bool routeInBackground)
    {
        var app = new ParleyApplication(provider) { RouteInBackground = routeInBackground, Settings = { ["Routing:PassSize"] = "2" } };
        await app.DbAsync(db => db.Advisors.CountAsync());
        return app;
    }

    private static async Task<AdvisorSession> MarieOnlineAsync(ParleyApplication app, int capacity)
    {
        var marie = await app.AdvisorAsync("marie@parley.local");
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, capacity)));
        await SetPresenceAsync(app, marie, Presence.Online);
        return marie;
    }

    /// <summary>Conversations queued in Parcels one after the other (same time, so in id order), before anyone is online.</summary>
    private static async Task<List<long>> QueueAsync(ParleyApplication app, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await QueueOneAsync(app));
        }

        return ids;
    }

    private static async Task<double[]> WaitedAsync(ParleyApplication app, params long[] ids)
    {
        var waited = new List<double>();
        foreach (var id in ids)
        {
            var conversation = await ConversationAsync(app, id);
            Assert.Equal(ConversationStatus.Assigned, conversation.Status);
            waited.Add(AssignmentReason.Parse(conversation.AssignmentReason)!.WaitedSeconds);
        }

        return [.. waited];
    }
}
