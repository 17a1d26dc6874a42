using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Routing;

/// <summary>A routing pass commits its plan in batches: each batch re-counts its advisors' loads under their locks.</summary>
public sealed class BatchCommitTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_batch_gives_an_advisor_only_the_room_left_counting_its_own_assignments(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await MarieWithRoomForTwoAsync(app);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await RoutingSetup.QueueOneAsync(app));
        }

        var outcomes = await app.Service<Router>().CommitAsync(ids.Select(id => new Allocation(id, marie.Id)).ToList(), CancellationToken.None);

        Assert.Equal([Router.Outcome.Assigned, Router.Outcome.Assigned, Router.Outcome.AdvisorFull], outcomes);
        foreach (var id in ids.Take(2))
        {
            var conversation = await RoutingSetup.ConversationAsync(app, id);
            Assert.Equal((ConversationStatus.Assigned, marie.Id), (conversation.Status, conversation.AssigneeId));
            Assert.NotNull(AssignmentReason.Parse(conversation.AssignmentReason));
            Assert.True(await app.DbAsync(db => db.Messages.AnyAsync(m => m.ConversationId == id && m.AuthorKind == AuthorKind.System && m.Text!.EndsWith("joined the conversation."))));
            Assert.True(await app.DbAsync(db => db.ReportingEvents.AnyAsync(e => e.ConversationId == id && e.Name == ReportingEventNames.Assigned)));
        }

        Assert.Equal(ConversationStatus.Queued, (await RoutingSetup.ConversationAsync(app, ids[2])).Status);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Two_batches_racing_for_an_advisors_room_fill_it_but_never_over(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var router = app.Service<Router>();
        var marie = await MarieWithRoomForTwoAsync(app);
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await RoutingSetup.QueueOneAsync(app));
        }

        Task<IReadOnlyList<Router.Outcome>>? racing = null;
        var second = ids.Skip(2).Select(id => new Allocation(id, marie.Id)).ToList();
        if (provider == DatabaseProvider.Postgres)
        {
            // Once the first batch has counted Marie's load (none), the second starts, and runs until it is done or waits for a
            // lock; then the first one assigns.
            app.Hook.Once(RoutingSetup.ReadsPlannedConversations, async () =>
            {
                racing = router.CommitAsync(second, CancellationToken.None);
                await Expect.UntilAsync(async () => racing.IsCompleted || await RoutingSetup.SomeoneWaitsForALockAsync(app), "the second batch to end or wait for a lock");
            });
        }

        var first = await router.CommitAsync(ids.Take(2).Select(id => new Allocation(id, marie.Id)).ToList(), CancellationToken.None);
        var then = await (racing ?? router.CommitAsync(second, CancellationToken.None));

        Assert.True(provider != DatabaseProvider.Postgres || app.Hook.Fired, "The second batch never overlapped the first.");
        Assert.Equal([Router.Outcome.Assigned, Router.Outcome.Assigned, Router.Outcome.AdvisorFull, Router.Outcome.AdvisorFull], first.Concat(then));
        Assert.Equal(2, await app.DbAsync(db => db.Conversations.CountAsync(c => c.AssigneeId == marie.Id)));
    }

    /// <summary>Marie online with room for two, serving no queue: the background router plans nothing for her.</summary>
    private static async Task<AdvisorSession> MarieWithRoomForTwoAsync(ParleyApplication app)
    {
        var marie = await app.AdvisorAsync("marie@parley.local");
        await app.DbAsync(db => db.AdvisorQueues.Where(q => q.AdvisorId == marie.Id).ExecuteDeleteAsync());
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, 2).SetProperty(a => a.Presence, Presence.Online)));
        return marie;
    }
}
