using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// A routing plan is read without a lock and committed later: by then a planned conversation may have ended its wait and
/// started another (moved to another queue, or resolved and reopened). The plan was made for the first wait only.
/// </summary>
public sealed class StalePlanTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_plan_is_committed_only_to_the_wait_it_was_planned_for(DatabaseProvider provider)
    {
        // The test's passes are the only ones: a background pass would assign what this plan holds before it commits.
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var actions = app.Service<ConversationActions>();
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        var marie = await app.AdvisorAsync("marie@parley.local");
        var bank = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).FirstAsync());

        // Three customers wait in Parcels while nobody is online.
        var moved = await QueueOneAsync(app);
        var untouched = await QueueOneAsync(app);
        var (reopened, customer) = await QueueCustomerAsync(app);
        using var _ = customer;

        // Marie, who serves Parcels and not Bank, comes online: the pass below plans all three for her.
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 5)));
        await SetPresenceAsync(app, marie, Presence.Online);
        var plan = (await router.PlanAsync(CancellationToken.None)).Allocations;
        Assert.Equal([moved, untouched, reopened], plan.Select(a => a.ConversationId).Order());
        Assert.All(plan, a => Assert.Equal(marie.Id, a.AdvisorId));
        var firstWait = await app.DbAsync(db => db.Conversations.Where(c => c.Id == untouched).Select(c => c.QueuedAt).FirstAsync());
        Assert.Equal(firstWait, plan.Single(a => a.ConversationId == untouched).QueuedAt);

        // Before the plan is committed, a supervisor moves one conversation to Bank, and another is taken, resolved and
        // reopened by its customer: both wait again, in a new wait.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await actions.TransferAsync(supervisor, moved, new TransferRequest(null, bank, "About a card."), CancellationToken.None)).Ok);
        Assert.True((await actions.TakeOverAsync(supervisor, reopened, CancellationToken.None)).Ok);
        Assert.True((await actions.ResolveAsync(supervisor, reopened, CancellationToken.None)).Ok);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await customer.SendAsync("One more question.");
        await Expect.UntilAsync(async () => (await ConversationAsync(app, reopened)).Status != ConversationStatus.Resolved, "the reopening");

        var outcomes = await router.CommitAsync(plan, CancellationToken.None);

        var byConversation = plan.Select(a => a.ConversationId).Zip(outcomes).ToDictionary();
        Assert.Equal(Router.Outcome.Assigned, byConversation[untouched]);
        Assert.Equal(Router.Outcome.NoLongerQueued, byConversation[moved]);
        Assert.Equal(Router.Outcome.NoLongerQueued, byConversation[reopened]);
        var inBank = await ConversationAsync(app, moved);
        Assert.Equal((ConversationStatus.Queued, bank, (long?)null), (inBank.Status, inBank.QueueId, inBank.AssigneeId));
        Assert.Equal(marie.Id, (await ConversationAsync(app, untouched)).AssigneeId);
    }
}
