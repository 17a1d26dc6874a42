using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Routing;

/// <summary>Away or offline past Routing:RequeueAfter, an advisor's open conversations go back to the queue, and they are told.</summary>
public sealed class PresenceSweepTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Away_past_the_limit_requeues_the_advisors_conversations_and_tells_them(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var sweep = app.Service<PresenceSweep>();
        var marie = await app.AdvisorAsync("marie@parley.local");
        await SetPresenceAsync(app, marie, Presence.Online);
        var id = await QueueOneAsync(app);
        Assert.Equal(marie.Id, (await AssignedAsync(app, id)).AssigneeId);
        using var told = app.Service<ConversationEventHub>().SubscribeAccount(marie.AccountIds.First());

        await SetPresenceAsync(app, marie, Presence.Away);
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        await sweep.SweepAsync(CancellationToken.None);
        Assert.Equal((ConversationStatus.Assigned, marie.Id), await StatusAsync(app, id));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        // Two nodes sweeping at once: the conversation goes back once.
        var swept = await Task.WhenAll(sweep.SweepAsync(CancellationToken.None), sweep.SweepAsync(CancellationToken.None));

        Assert.Equal(1, swept.Sum());
        Assert.Equal((ConversationStatus.Queued, (long?)null), await StatusAsync(app, id));
        var conversation = await ConversationAsync(app, id);
        Assert.Equal(AssignmentRule.Requeued, AssignmentReason.Parse(conversation.AssignmentReason)!.Rule);
        var last = await app.DbAsync(db => db.Messages.Where(m => m.ConversationId == id).OrderByDescending(m => m.Seq).FirstAsync());
        Assert.Equal(AuthorKind.System, last.AuthorKind);
        Assert.Contains("went back to the queue", last.Text);
        Assert.Equal(1, await app.DbAsync(db => db.ReportingEvents.CountAsync(e => e.ConversationId == id && e.Name == Parley.Analytics.ReportingEventNames.HandedOff
            && e.Detail!.Contains("away too long"))));
        var events = new List<ConversationEvent>();
        while (told.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        var requeued = Assert.Single(events.OfType<ConversationsRequeued>());
        Assert.Equal(marie.Id, requeued.AdvisorId);
        Assert.Equal([id], requeued.ConversationIds);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_back_online_keeps_their_conversations(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        await SetPresenceAsync(app, marie, Presence.Online);
        var id = await QueueOneAsync(app);
        await AssignedAsync(app, id);

        await SetPresenceAsync(app, marie, Presence.Offline);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        await SetPresenceAsync(app, marie, Presence.Online);
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, await app.Service<PresenceSweep>().SweepAsync(CancellationToken.None));
        Assert.Equal((ConversationStatus.Assigned, marie.Id), await StatusAsync(app, id));
    }

    private static async Task<(ConversationStatus, long?)> StatusAsync(ParleyApplication app, long id)
    {
        var c = await ConversationAsync(app, id);
        return (c.Status, c.AssigneeId);
    }
}
