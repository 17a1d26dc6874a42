using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Routing;

/// <summary>
/// The routing counter (<c>routing_version</c>, one row) is moved by every routing-relevant change. An admin's edit of an
/// advisor changes their skills and queues first and their row last, while a presence change locks the advisor's row
/// first and moves the counter after: with the counter moved from the statements' triggers, the two waited for each
/// other (PostgreSQL 40P01). The counter is moved at commit instead, after every other lock the transaction takes.
/// </summary>
public sealed class RoutingCounterLockTests
{
    [Theory, OnPostgres]
    public async Task An_admin_edit_and_a_presence_change_of_the_same_advisor_do_not_deadlock(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var parcels = await RoutingSetup.ParcelsAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var marie = await app.AdvisorAsync("marie@parley.local");

        // The edit's SaveChanges (the advisor's row) runs once it removed their queues; the presence change starts then.
        Task? presence = null;
        app.Hook.Once(sql => sql.Contains("UPDATE advisors SET", StringComparison.Ordinal), async () =>
        {
            presence = Task.Run(() => RoutingSetup.SetPresenceAsync(app, marie, Presence.Away));
            await Expect.UntilAsync(async () => presence.IsCompleted || await RoutingSetup.SomeoneWaitsForALockAsync(app), "the presence change to wait");
        }, before: true);
        var edited = await admin.PutAsJsonAsync($"/api/console/advisors/{marie.Id}", new AdvisorEdit("Marie Renamed", AdvisorRole.Advisor, [account], [parcels], false), Json);
        Assert.True(app.Hook.Fired);

        await Expect.StatusAsync(edited, HttpStatusCode.OK);
        await presence!;
        Assert.Equal(Presence.Away, await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).Select(a => a.Presence).FirstAsync()));
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnPostgres]
    public async Task Admin_edits_presence_changes_routing_and_the_sweep_together_never_deadlock(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var parcels = await RoutingSetup.ParcelsAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var advisors = new[] { await app.AdvisorAsync("marie@parley.local"), await app.AdvisorAsync("luca@parley.local") };
        for (var i = 0; i < 4; i++)
        {
            await RoutingSetup.QueueOneAsync(app);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var deadlocks = 0;
        async Task LoopAsync(Func<int, Task> step)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await step(i);
                }
                catch (Exception e) when (IsDeadlock(e))
                {
                    Interlocked.Increment(ref deadlocks);
                }
            }
        }

        var edits = advisors.Select(a => LoopAsync(async i =>
        {
            var edited = await admin.PutAsJsonAsync($"/api/console/advisors/{a.Id}",
                new AdvisorEdit(i % 2 == 0 ? a.DisplayName : a.DisplayName + " (edited)", AdvisorRole.Advisor, [account], i % 3 == 0 ? [] : [parcels], false), Json);
            Assert.True(edited.StatusCode == HttpStatusCode.OK || app.LoggedErrors.Any(IsDeadlockLine), $"the edit answered {edited.StatusCode}");
        }));
        var presences = advisors.Select(a => LoopAsync(i => RoutingSetup.SetPresenceAsync(app, a, i % 2 == 0 ? Presence.Online : Presence.Away)));
        var routing = LoopAsync(_ => app.Service<Router>().AssignAsync(CancellationToken.None));
        var sweep = LoopAsync(async _ =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.Service<PresenceSweep>().SweepAsync(CancellationToken.None);
        });
        await Task.WhenAll(edits.Concat(presences).Append(routing).Append(sweep));

        Assert.Equal(0, deadlocks);
        Assert.DoesNotContain(app.LoggedErrors, IsDeadlockLine);
    }

    private static bool IsDeadlock(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDeadlockLine(string line) => line.Contains("40P01", StringComparison.Ordinal);
}
