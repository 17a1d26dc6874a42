using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>An advisor at capacity never gets another conversation, through the engine, on both databases.</summary>
public sealed class CapacityTests
{
    private const int QueuedConversations = 8;

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_at_capacity_gets_no_more_conversations_even_with_routing_passes_racing(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var actions = app.Service<ConversationActions>();
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var capacity = new Dictionary<long, int> { [marie.Id] = 2, [luca.Id] = 1 };
        foreach (var (id, n) in capacity)
        {
            await app.DbAsync(db => db.Advisors.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, n)));
        }

        // Nobody online yet: every conversation waits in the Parcels queue, which both Marie and Luca serve.
        await Task.WhenAll(Enumerable.Range(0, QueuedConversations).Select(_ => QueueOneAsync(app)));

        // A routing pass that has read the advisors' loads and the waiting conversations, but not yet planned, when another pass
        // assigns a full round: it plans the next conversations on the loads it read, which are stale by then. The hook is
        // armed before anyone is online, so the first pass to get that far (the background router's or the one below)
        // has read loads of advisors who were online and free.
        app.Hook.Once(
            RoutingSetup.ReadsWaitingRequirements,
            () => router.AssignAsync(CancellationToken.None),
            before: true);
        await actions.SetPresenceAsync(marie, Presence.Online, CancellationToken.None);
        await actions.SetPresenceAsync(luca, Presence.Online, CancellationToken.None);
        await router.AssignAsync(CancellationToken.None);

        Assert.True(app.Hook.Fired, "No routing pass reached the waiting conversations.");
        await AssertFullButNotOverAsync(app, capacity);

        // Each resolves one: the background router (rung by the resolutions) and several passes at once race for the room.
        foreach (var advisor in new[] { marie, luca })
        {
            var held = await app.DbAsync(db => db.Conversations.Where(c => c.AssigneeId == advisor.Id).Select(c => c.Id).FirstAsync());
            Assert.True((await actions.ResolveAsync(advisor, held, CancellationToken.None)).Ok);
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => router.AssignAsync(CancellationToken.None))));
        await router.AssignAsync(CancellationToken.None);

        await AssertFullButNotOverAsync(app, capacity);

        // Of those queued, three were assigned first, then two more in the room the resolutions left.
        var queued = await app.DbAsync(db => db.Conversations.CountAsync(c => c.Status == ConversationStatus.Queued));
        Assert.Equal(QueuedConversations - capacity.Values.Sum() - capacity.Count, queued);
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Two_assignments_racing_for_an_advisors_last_place_give_it_once(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 1)));

        // Marie is online (an assignment re-checks that) but serves no queue, so the background router plans nothing for
        // her: the two steps below, each planned for her on her load before either committed, are the only writers.
        await app.DbAsync(db => db.AdvisorQueues.Where(q => q.AdvisorId == marie.Id).ExecuteDeleteAsync());
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Presence, Presence.Online)));
        var first = await QueueOneAsync(app);
        var second = await QueueOneAsync(app);
        Task<Router.Outcome>? racing = null;
        if (provider == DatabaseProvider.Postgres)
        {
            // Once the first step has counted her load and read its conversation, the second one starts, and runs until it
            // is done or waits for a lock; then the first one assigns.
            app.Hook.Once(
                sql => RoutingSetup.ReadsPlannedConversations(sql),
                async () =>
                {
                    racing = router.AssignOneAsync(new Allocation(second, marie.Id), CancellationToken.None);
                    await Expect.UntilAsync(async () => racing.IsCompleted || await SomeoneWaitsForALockAsync(app), "the second assignment to end or wait for a lock");
                });
        }

        var outcome = await router.AssignOneAsync(new Allocation(first, marie.Id), CancellationToken.None);
        // SQLite: the write gate lets one step in at a time, so the second comes after the first committed.
        var secondOutcome = await (racing ?? router.AssignOneAsync(new Allocation(second, marie.Id), CancellationToken.None));

        Assert.True(provider != DatabaseProvider.Postgres || app.Hook.Fired, "The second assignment never overlapped the first.");
        Assert.Equal((Router.Outcome.Assigned, Router.Outcome.AdvisorFull), (outcome, secondOutcome));
        Assert.Equal(1, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));
        Assert.Equal(ConversationStatus.Queued, await app.DbAsync(db => db.Conversations.Where(c => c.Id == second).Select(c => c.Status).FirstAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Conversations_waiting_for_the_customer_count_beside_those_assigned(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 3)));
        await app.Service<ConversationActions>().SetPresenceAsync(marie, Presence.Online, CancellationToken.None);
        var first = await QueueOneAsync(app);
        var second = await QueueOneAsync(app);
        Assert.Equal(2, await router.AssignAsync(CancellationToken.None));

        // One answered (waiting for the customer), one assigned: counted apart, they make two of Marie's three.
        Assert.True((await app.Service<ConversationActions>().ReplyAsync(marie, first, "Let me check.", CancellationToken.None)).Ok);
        Assert.Equal(ConversationStatus.WaitingForCustomer, (await RoutingSetup.ConversationAsync(app, first)).Status);
        var third = await QueueOneAsync(app);
        var fourth = await QueueOneAsync(app);
        Assert.Equal(1, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(0, await router.AssignAsync(CancellationToken.None));
        Assert.Equal(marie.Id, (await RoutingSetup.ConversationAsync(app, third)).AssigneeId);
        Assert.Equal(ConversationStatus.Queued, (await RoutingSetup.ConversationAsync(app, fourth)).Status);
        Assert.Equal(3, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id
            && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer))));
        Assert.Equal(ConversationStatus.Assigned, (await RoutingSetup.ConversationAsync(app, second)).Status);
    }

    private static Task<long> QueueOneAsync(ParleyApplication app) => RoutingSetup.QueueOneAsync(app);

    private static Task<bool> SomeoneWaitsForALockAsync(ParleyApplication app) => RoutingSetup.SomeoneWaitsForALockAsync(app);

    /// <summary>
    /// Waits until routing has used every advisor's room (more conversations wait than they can hold), then checks that
    /// none holds more open conversations (assigned, or waiting for the customer) than their capacity.
    /// </summary>
    private static async Task AssertFullButNotOverAsync(ParleyApplication app, Dictionary<long, int> capacity)
    {
        var loads = new Dictionary<long, int>();
        await Expect.UntilAsync(
            async () =>
            {
                loads = await app.DbAsync(db => db.Conversations
                    .Where(c => c.AssigneeId != null && (c.Status == ConversationStatus.Assigned || c.Status == ConversationStatus.WaitingForCustomer))
                    .GroupBy(c => c.AssigneeId!.Value)
                    .ToDictionaryAsync(g => g.Key, g => g.Count()));
                return capacity.All(c => loads.GetValueOrDefault(c.Key) >= c.Value);
            },
            "routing to fill every advisor's room");
        foreach (var (advisorId, load) in loads)
        {
            Assert.True(load <= capacity[advisorId], $"Advisor {advisorId} holds {load} open conversations; their capacity is {capacity[advisorId]}.");
        }
    }
}
