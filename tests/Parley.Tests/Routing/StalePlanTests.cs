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

    [Theory, OnSqlite, OnPostgres]
    public async Task A_batch_takes_its_advisors_from_its_plans_team_only_while_nothing_about_them_changed(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", 5);

        // Renamed since the plan: the "joined" message has the new name.
        var first = await QueueOneAsync(app);
        var plan = await router.PlanAsync(CancellationToken.None);
        await RenameAsync(app, marie, "Marie Rossi");
        Assert.True(await app.DbAsync(db => RoutingVersion.ReadAsync(db, CancellationToken.None)) > plan.Team.Version, "A rename moves the routing counter.");
        Assert.Equal([Router.Outcome.Assigned], await router.CommitAsync(plan.Allocations, CancellationToken.None, plan.Team));
        Assert.Equal("Marie Rossi joined the conversation.", await JoinedAsync(app, first));

        // Away since the plan: refused.
        var second = await QueueOneAsync(app);
        plan = await router.PlanAsync(CancellationToken.None);
        await SetPresenceAsync(app, marie, Presence.Away);
        Assert.Equal([Router.Outcome.AdvisorUnavailable], await router.CommitAsync(plan.Allocations, CancellationToken.None, plan.Team));
        Assert.Equal(ConversationStatus.Queued, (await ConversationAsync(app, second)).Status);

        // Nothing that moves the counter since the plan: SQLite's batch takes Marie from the plan's team and reads no advisor
        // row. Shown by a rename hidden from the counter (its trigger dropped): the message keeps the team's name there,
        // while PostgreSQL, which reads its advisors under their locks, has the new one.
        await SetPresenceAsync(app, marie, Presence.Online);
        plan = await router.PlanAsync(CancellationToken.None);
        await app.DbAsync(db => db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres
            ? "DROP TRIGGER tr_advisors_routing ON advisors"
            : "DROP TRIGGER tr_advisors_routing_update"));
        await RenameAsync(app, marie, "Marie R.");
        Assert.Equal(Router.Outcome.Assigned, (await router.CommitAsync(plan.Allocations, CancellationToken.None, plan.Team)).Single());
        var third = plan.Allocations.Single().ConversationId;
        Assert.Equal(provider == DatabaseProvider.Postgres ? "Marie R. joined the conversation." : "Marie Rossi joined the conversation.", await JoinedAsync(app, third));
    }

    /// <summary>
    /// A plan reads its conversations outside the write gate; its commit keeps a copy only while the conversation's version
    /// is the one read, and reads the others again under the gate.
    /// </summary>
    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_changed_after_its_plan_read_it_is_read_again_by_the_commit(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider) { RouteInBackground = false };
        var router = app.Service<Router>();
        var marie = await OnlineWithCapacityAsync(app, "marie@parley.local", 5);

        // Unchanged since the plan: the commit assigns the plan's copy itself (the copy it assigns is the one it changes).
        var unchanged = await QueueOneAsync(app);
        var plan = await router.PlanAsync(CancellationToken.None);
        Assert.Equal([unchanged], plan.Read.Keys);
        Assert.Equal([Router.Outcome.Assigned], await router.CommitAsync(plan.Allocations, CancellationToken.None, plan.Team, plan.Read));
        Assert.Equal((ConversationStatus.Assigned, marie.Id), (plan.Read[unchanged].Status, plan.Read[unchanged].AssigneeId));

        // The customer writes after the plan read the conversation: its copy is stale (version and message count moved).
        var (changed, customer) = await QueueCustomerAsync(app);
        using var _ = customer;
        plan = await router.PlanAsync(CancellationToken.None);
        var copy = plan.Read[changed];
        await customer.SendAsync("Is anyone there?");
        await Expect.UntilAsync(async () => (await ConversationAsync(app, changed)).LastSeq > copy.LastSeq, "the customer's message");

        Assert.Equal([Router.Outcome.Assigned], await router.CommitAsync(plan.Allocations, CancellationToken.None, plan.Team, plan.Read));
        Assert.Equal(ConversationStatus.Queued, copy.Status);
        Assert.Equal(marie.Id, (await ConversationAsync(app, changed)).AssigneeId);
        var messages = await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == changed).OrderBy(m => m.Seq).ToListAsync());
        var asked = messages.Single(m => m.Text == "Is anyone there?");
        var joined = messages.Single(m => m.AuthorKind == AuthorKind.System && m.Text == "Marie joined the conversation.");
        Assert.True(joined.Seq > asked.Seq, $"The joined message ({joined.Seq}) was numbered before the customer's ({asked.Seq}).");
        Assert.Equal(messages.Count, messages.Select(m => m.Seq).Distinct().Count());
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    private static Task<int> RenameAsync(ParleyApplication app, AdvisorSession advisor, string name) =>
        app.DbAsync(db => db.Advisors.Where(a => a.Id == advisor.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.DisplayName, name)));

    private static Task<string> JoinedAsync(ParleyApplication app, long conversationId) =>
        app.DbAsync(db => db.Messages.Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.System && m.Text!.EndsWith("joined the conversation."))
            .Select(m => m.Text!).SingleAsync());
}
