using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>Skills, levels, relaxation, busy and sticky routing, through the engine on both databases.</summary>
public sealed class RoutingRulesTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task The_queues_required_skill_level_picks_the_advisor_and_the_reason_names_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        // Equally free, Marie would win the tie on her lower id: only her level keeps her out.
        var italian = await SkillAsync(app, "italian", (marie, 2), (luca, 4));
        var parcels = await ParcelsAsync(app);
        await app.DbAsync(db => { db.QueueSkills.Add(new QueueSkill { QueueId = parcels, SkillId = italian, MinLevel = 3 }); return db.SaveChangesAsync(); });
        await SetPresenceAsync(app, marie, Presence.Online);
        await SetPresenceAsync(app, luca, Presence.Online);

        var conversation = await AssignedAsync(app, await QueueOneAsync(app));

        Assert.Equal(luca.Id, conversation.AssigneeId);
        var reason = AssignmentReason.Parse(conversation.AssignmentReason)!;
        Assert.Equal(AssignmentRule.Skills, reason.Rule);
        Assert.Equal([new SkillNeed(italian, 3)], reason.Needs);
        var text = await app.DbAsync(db => AssignmentReasonText.ReadAsync(db, luca, conversation.Id, CancellationToken.None));
        Assert.Contains("italian ≥ 3", text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_bots_handoff_skills_are_required_too(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var vip = await SkillAsync(app, "vip", (luca, 1));
        var id = await QueueOneAsync(app);
        await app.DbAsync(async db =>
        {
            var conversation = await db.Conversations.FirstAsync(c => c.Id == id);
            await ConversationRequirements.AddFromHandoffAsync(db, conversation, ["vip:1", "unknown-skill"], CancellationToken.None);
            return await db.SaveChangesAsync();
        });
        await SetPresenceAsync(app, marie, Presence.Online);
        await SetPresenceAsync(app, luca, Presence.Online);

        Assert.Equal(luca.Id, (await AssignedAsync(app, id)).AssigneeId);
        Assert.Equal([vip], await app.DbAsync(db => db.ConversationSkills.Where(s => s.ConversationId == id).Select(s => s.SkillId).ToListAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_flows_handoff_step_names_skills_that_routing_requires(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var luca = await app.AdvisorAsync("luca@parley.local");
        var sofia = await app.AdvisorAsync("sofia@parley.local");
        // Both serve Bank; Luca would win the tie on his lower id, but only Sofia has VIP at level 2.
        var vip = await SkillAsync(app, "vip", (luca, 1), (sofia, 3));
        using var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        await Bots.FlowsApiTests.PublishAsync(manager, Bots.FlowsApiTests.Greeting("Hi").Replace("priority: 2,", "priority: 2, skills: [\"vip:2\"],", StringComparison.Ordinal));
        await SetPresenceAsync(app, luca, Presence.Online);
        await SetPresenceAsync(app, sofia, Presence.Online);

        using var customer = await WidgetClient.OpenedAsync(app);
        await customer.WaitForAsync(m => m.Messages.Any(x => x.Text == "Parcels or bank?"), "the question");
        await customer.SendAsync("x", replyTo: "bank");
        await customer.WaitForAsync(m => m.Status is "queued" or "assigned", "the handoff");
        var id = await app.DbAsync(db => db.Conversations.MaxAsync(c => c.Id));

        Assert.Equal(sofia.Id, (await AssignedAsync(app, id)).AssigneeId);
        Assert.Equal([new SkillNeed(vip, 2)], AssignmentReason.Parse((await ConversationAsync(app, id)).AssignmentReason)!.Needs);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Requirements_relax_after_the_queues_delay(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var italian = await SkillAsync(app, "italian", (marie, 2));
        var parcels = await ParcelsAsync(app);
        await app.DbAsync(db =>
        {
            db.QueueSkills.Add(new QueueSkill { QueueId = parcels, SkillId = italian, MinLevel = 4 });
            db.QueueRelaxations.Add(new QueueRelaxation { QueueId = parcels, AfterSeconds = 120, SkillId = italian, LowerTo = 2 });
            return db.SaveChangesAsync();
        });
        await SetPresenceAsync(app, marie, Presence.Online);
        var id = await QueueOneAsync(app);

        app.Clock.Advance(TimeSpan.FromSeconds(100));
        await router.AssignAsync(CancellationToken.None);
        Assert.Equal(ConversationStatus.Queued, (await ConversationAsync(app, id)).Status);

        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var conversation = await AssignedAsync(app, id);
        Assert.Equal(marie.Id, conversation.AssigneeId);
        var reason = AssignmentReason.Parse(conversation.AssignmentReason)!;
        Assert.Equal((AssignmentRule.Relaxed, 1, 130.0), (reason.Rule, reason.RelaxedSteps, reason.WaitedSeconds));
        Assert.Equal([new SkillNeed(italian, 2)], reason.Needs);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_busy_advisor_receives_nothing_new(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        await SetPresenceAsync(app, marie, Presence.Busy);
        var id = await QueueOneAsync(app);

        Assert.Equal(0, await app.Service<Router>().AssignAsync(CancellationToken.None));
        Assert.Equal(Router.Outcome.AdvisorUnavailable, await app.Service<Router>().AssignOneAsync(new Allocation(id, marie.Id), CancellationToken.None));
        Assert.Equal(ConversationStatus.Queued, (await ConversationAsync(app, id)).Status);

        await SetPresenceAsync(app, marie, Presence.Online);
        Assert.Equal(marie.Id, (await AssignedAsync(app, id)).AssigneeId);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_returning_customer_goes_back_to_their_last_advisor_within_the_window_only(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var actions = app.Service<ConversationActions>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var parcels = await ParcelsAsync(app);
        await app.DbAsync(db => db.Queues.Where(q => q.Id == parcels).ExecuteUpdateAsync(u => u.SetProperty(q => q.StickySeconds, 600)));
        await SetPresenceAsync(app, marie, Presence.Online);
        await SetPresenceAsync(app, luca, Presence.Online);

        // Two customers helped: Anna by Marie (the tie goes to her lower id), Ben by Luca.
        var (anna, annaWidget) = await QueueCustomerAsync(app);
        using var _ = annaWidget;
        Assert.Equal(marie.Id, (await AssignedAsync(app, anna)).AssigneeId);
        var ben = await QueueOneAsync(app);
        Assert.Equal(luca.Id, (await AssignedAsync(app, ben)).AssigneeId);
        Assert.True((await actions.ReplyAsync(marie, anna, "Your parcel is on its way.", CancellationToken.None)).Ok);
        Assert.True((await actions.ResolveAsync(marie, anna, CancellationToken.None)).Ok);
        // Marie now holds one more conversation than Luca: plain routing would pick Luca.
        var other = await QueueOneAsync(app);
        Assert.True((await actions.TakeOverAsync(marie, other, CancellationToken.None)).Ok);
        Assert.True((await actions.ResolveAsync(luca, ben, CancellationToken.None)).Ok);

        // Anna comes back within ten minutes: Marie.
        app.Clock.Advance(TimeSpan.FromMinutes(9));
        await annaWidget.SendAsync("It has not arrived yet.");
        var back = await AssignedAsync(app, anna);
        Assert.Equal((marie.Id, AssignmentRule.Sticky), (back.AssigneeId, AssignmentReason.Parse(back.AssignmentReason)!.Rule));

        // Marie answers and resolves; Anna comes back after the window: the least loaded (Luca).
        Assert.True((await actions.ReplyAsync(marie, anna, "It arrives tomorrow.", CancellationToken.None)).Ok);
        Assert.True((await actions.ResolveAsync(marie, anna, CancellationToken.None)).Ok);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await annaWidget.SendAsync("Still nothing.");
        var late = await AssignedAsync(app, anna);
        Assert.Equal((luca.Id, AssignmentRule.Skills), (late.AssigneeId, AssignmentReason.Parse(late.AssignmentReason)!.Rule));
    }
}
