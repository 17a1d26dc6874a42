using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Console.Supervision;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Console;

/// <summary>The supervision figures: waits, service level, load against capacity, presence, alerts, team filter.</summary>
public sealed class SupervisionFiguresTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Queue_figures_count_the_waiting_the_longest_wait_and_the_service_level_of_the_last_hour(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var marie = await app.AdvisorAsync("marie@parley.local");
        var account = await DemoAccountAsync(app);
        var actions = app.Service<ConversationActions>();

        // Two hours ago, a conversation answered at once: outside the hour, it counts for nothing now.
        var old = await QueueOneAsync(app);
        Assert.True((await actions.ReplyAsync(marie, old, "Hello", CancellationToken.None)).Ok);
        app.Clock.Advance(TimeSpan.FromHours(2));

        var first = await QueueOneAsync(app);
        app.Clock.Advance(TimeSpan.FromSeconds(90));
        var second = await QueueOneAsync(app);
        app.Clock.Advance(TimeSpan.FromSeconds(30));

        var parcels = await ParcelsFiguresAsync(app, supervisor, account);
        // Both wait; the first for 120 s, past the 60 s target: it counts as missed already.
        Assert.Equal((2, 120, 0, 0, 1), (parcels.Waiting, parcels.LongestWaitSeconds, parcels.Answered, parcels.AnsweredInTarget, parcels.WaitingPastTarget));
        Assert.Equal(0.0, parcels.ServiceLevel);
        Assert.Equal(QueueTargets.Default, parcels.Targets);

        // Marie answers the first after 120 s (missed), then the second after 50 s (within the target).
        Assert.True((await actions.ReplyAsync(marie, first, "Hello", CancellationToken.None)).Ok);
        app.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await actions.ReplyAsync(marie, second, "Hello", CancellationToken.None)).Ok);

        parcels = await ParcelsFiguresAsync(app, supervisor, account);
        Assert.Equal((0, (int?)null, 2, 1, 0), (parcels.Waiting, parcels.LongestWaitSeconds, parcels.Answered, parcels.AnsweredInTarget, parcels.WaitingPastTarget));
        Assert.Equal(0.5, parcels.ServiceLevel);

        // A queue with a looser target: the 120 s answer is within it.
        await Supervise(app).SetTargetsAsync(supervisor, parcels.QueueId, new QueueTargetsDto(150, 600), CancellationToken.None);
        parcels = await ParcelsFiguresAsync(app, supervisor, account);
        Assert.Equal((2, 1.0), (parcels.AnsweredInTarget, parcels.ServiceLevel));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_wait_past_the_queues_alert_threshold_raises_an_alert_until_it_is_answered(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var account = await DemoAccountAsync(app);
        var id = await QueueOneAsync(app);
        var parcels = await ParcelsAsync(app);

        // The default threshold is five minutes: at four, nothing; just past five, the Parcels queue.
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty((await BoardAsync(app, supervisor, account)).Alerts);
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var alert = Assert.Single((await BoardAsync(app, supervisor, account)).Alerts);
        Assert.Equal(new WaitAlert(parcels, "Parcels", 301, 300), alert);

        // A supervisor raises the threshold through the API: the alert goes.
        using var asSupervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        await Expect.StatusAsync(await asSupervisor.PutAsJsonAsync($"/api/console/supervision/queues/{parcels}/targets", new QueueTargetsDto(60, 600)), HttpStatusCode.NoContent);
        Assert.Empty((await BoardAsync(app, supervisor, account)).Alerts);
        await Expect.ProblemAsync(await asSupervisor.PutAsJsonAsync($"/api/console/supervision/queues/{parcels}/targets", new QueueTargetsDto(0, 600)), HttpStatusCode.BadRequest);

        // Lowered again, then the conversation is taken: no wait, no alert.
        await Supervise(app).SetTargetsAsync(supervisor, parcels, new QueueTargetsDto(60, 120), CancellationToken.None);
        Assert.Single((await BoardAsync(app, supervisor, account)).Alerts);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(await app.AdvisorAsync("luca@parley.local"), id, CancellationToken.None)).Ok);
        Assert.Empty((await BoardAsync(app, supervisor, account)).Alerts);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Advisors_show_presence_time_in_it_load_against_capacity_as_routing_counts_it_and_open_conversations(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var marie = await SessionAsync(app, "marie@parley.local");
        var luca = await SessionAsync(app, "luca@parley.local");
        var account = await DemoAccountAsync(app);
        var actions = app.Service<ConversationActions>();
        foreach (var id in new[] { await QueueOneAsync(app), await QueueOneAsync(app) })
        {
            Assert.True((await actions.TakeOverAsync(marie, id, CancellationToken.None)).Ok);
        }

        // A web conversation counts two units in this account: Marie's two are four of her five.
        await app.DbAsync(async db =>
        {
            db.ChannelWeights.Add(new ChannelWeight { AccountId = account, Channel = ChannelKind.WebMessaging, Units = 2 });
            return await db.SaveChangesAsync();
        });
        await SetPresenceAsync(app, luca, Presence.Away);
        app.Clock.Advance(TimeSpan.FromSeconds(45));

        var board = await BoardAsync(app, supervisor, account);
        var marieRow = board.Advisors.Single(a => a.AdvisorId == marie.Id);
        Assert.Equal((new KindLoads(4, 0), 5, 5, 2), (marieRow.Load, marieRow.Capacity, marieRow.PublicCapacity, marieRow.Open));
        var lucaRow = board.Advisors.Single(a => a.AdvisorId == luca.Id);
        Assert.Equal((Presence.Away, 45, new KindLoads(0, 0), 0), (lucaRow.Presence, lucaRow.SecondsInPresence, lucaRow.Load, lucaRow.Open));
        Assert.Equal(Parley.Demo.DemoWorkspace.Logins.Length, board.Advisors.Count);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_team_filter_shows_its_members_and_the_queues_they_serve(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        var luca = await SessionAsync(app, "luca@parley.local");
        var account = await DemoAccountAsync(app);
        var team = await TeamAsync(app, account, "Second line", luca);

        var board = (await Supervise(app, q => q.BoardAsync(supervisor, account, team, CancellationToken.None))).Value!;

        Assert.Equal(["Luca"], board.Advisors.Select(a => a.Name));
        Assert.Equal(["Bank", "Parcels"], board.Queues.Select(q => q.Name));
        var accounts = await app.Service<SupervisionQueries>().AccountsAsync(supervisor, CancellationToken.None);
        Assert.Equal(("Second line", team), (Assert.Single(Assert.Single(accounts).Teams).Name, accounts[0].Teams[0].Id));
    }

    internal static SupervisionActions Supervise(ParleyApplication app) => app.Service<SupervisionActions>();

    private static Task<T> Supervise<T>(ParleyApplication app, Func<SupervisionQueries, Task<T>> query) => query(app.Service<SupervisionQueries>());

    internal static async Task<SupervisionBoard> BoardAsync(ParleyApplication app, AdvisorSession by, long account)
    {
        var board = await app.Service<SupervisionQueries>().BoardAsync(by, account, null, CancellationToken.None);
        Assert.Equal(SupervisionRefusal.None, board.Refusal);
        return board.Value!;
    }

    private static async Task<QueueFigures> ParcelsFiguresAsync(ParleyApplication app, AdvisorSession by, long account) =>
        (await BoardAsync(app, by, account)).Queues.Single(q => q.Name == "Parcels");
}
