using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>Capacity per kind of conversation, in load units weighted by channel, never exceeded under racing passes.</summary>
public sealed class CapacityPerKindTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Private_and_public_capacities_in_weighted_units_are_never_exceeded_with_passes_racing(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var router = app.Service<Router>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        // A web conversation counts 2 units here: 5 private units hold two of them, 3 public units one public thread.
        await app.DbAsync(async db =>
        {
            await db.Advisors.Where(a => a.Id == marie.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 5).SetProperty(a => a.PublicCapacity, 3));
            db.ChannelWeights.Add(new ChannelWeight { AccountId = marie.AccountIds.First(), Channel = ChannelKind.WebMessaging, Units = 2 });
            return await db.SaveChangesAsync();
        });
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => QueueOneAsync(app)));
        // Half of them are public threads (as far as capacity goes: their kind is what is checked).
        var publicIds = ids.Take(4).ToList();
        await app.DbAsync(db => db.Conversations.Where(c => publicIds.Contains(c.Id)).ExecuteUpdateAsync(u => u.SetProperty(c => c.IsPublic, true)));

        // A pass that read Marie's load before another filled her plans on stale loads, as in CapacityTests.
        app.Hook.Once(
            RoutingSetup.ReadsWaitingRequirements,
            () => router.AssignAsync(CancellationToken.None),
            before: true);
        await SetPresenceAsync(app, marie, Presence.Online);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => router.AssignAsync(CancellationToken.None))));
        await router.AssignAsync(CancellationToken.None);

        Assert.True(app.Hook.Fired, "No routing pass reached the waiting conversations.");
        var held = await app.DbAsync(db => db.Conversations.Where(c => c.AssigneeId == marie.Id).Select(c => new { c.Id, c.IsPublic, c.Status }).ToListAsync());
        Assert.All(held, c => Assert.Equal(ConversationStatus.Assigned, c.Status));
        Assert.Equal((2, 1), (held.Count(c => !c.IsPublic), held.Count(c => c.IsPublic)));
        var loads = await app.DbAsync(db => AdvisorLoad.OfAsync(db, [marie.Id], CancellationToken.None));
        Assert.Equal(new KindLoads(4, 2), loads[marie.Id]);

        // Without the weight, each counts 1: the rest of her room fills, and no more.
        await app.DbAsync(db => db.ChannelWeights.ExecuteDeleteAsync());
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => router.AssignAsync(CancellationToken.None))));
        await router.AssignAsync(CancellationToken.None);
        Assert.Equal(new KindLoads(4, 3), (await app.DbAsync(db => AdvisorLoad.OfAsync(db, [marie.Id], CancellationToken.None)))[marie.Id]);
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }
}
