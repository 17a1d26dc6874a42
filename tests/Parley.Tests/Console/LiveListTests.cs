using Microsoft.EntityFrameworkCore;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>
/// A live console patches the rows its events name: after each patch the list is what a full read of the page shows now
/// (the same rows, in the same order, with the same fields), on both databases.
/// </summary>
public sealed class LiveListTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_patch_updates_in_place_drops_what_left_the_filter_and_places_what_entered(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var oldest = await seed.AddAsync(new Seeded("Oldest") { Ago = TimeSpan.FromMinutes(50) });
        var middle = await seed.AddAsync(new Seeded("Middle") { Ago = TimeSpan.FromMinutes(30) });
        var newest = await seed.AddAsync(new Seeded("Newest") { Ago = TimeSpan.FromMinutes(10) });
        var list = NewList(app, marie);
        await list.LoadAsync(new ConversationFilter { Status = StatusFilter.Queued });
        Assert.Equal([newest, middle, oldest], list.Rows.Select(r => r.Id));

        // Updated in place: assigned to Marie with an unread message, no new activity, so it keeps its place.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == middle).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.AssigneeId, marie.Id).SetProperty(c => c.AdvisorReadSeq, 0)));
        await Apply(app, list, marie, Changed(middle));
        Assert.Equal([newest, middle, oldest], list.Rows.Select(r => r.Id));
        Assert.Equal(1, list.Rows.Single(r => r.Id == middle).Unread);
        Assert.Equal(1, list.Unread);

        // Left the filter (no longer queued): gone.
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == newest).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Resolved)));
        await Apply(app, list, marie, Changed(newest));
        Assert.Equal([middle, oldest], list.Rows.Select(r => r.Id));

        // Entered the filter between the two: at its place by the list's order.
        var entering = await seed.AddAsync(new Seeded("Entering") { Status = ConversationStatus.WithBot, Ago = TimeSpan.FromMinutes(40) });
        await Apply(app, list, marie);
        await app.DbAsync(db => db.Conversations.Where(c => c.Id == entering).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, ConversationStatus.Queued)));
        await Apply(app, list, marie, Changed(entering));
        Assert.Equal([middle, entering, oldest], list.Rows.Select(r => r.Id));

        // New activity: to the top.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await seed.TouchAsync(oldest);
        await Apply(app, list, marie, Changed(oldest), Changed(entering));
        Assert.Equal([oldest, middle, entering], list.Rows.Select(r => r.Id));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_of_another_account_never_appears_and_other_advisors_see_no_unread(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var outsider = await seed.OtherBrandAsync();
        var mine = await seed.AddAsync(new Seeded("Mine") { Status = ConversationStatus.Assigned, AssigneeId = marie.Id, Read = false });
        var elsewhere = await seed.AddAsync(new Seeded("Elsewhere") { AccountId = outsider.AccountIds.Single() });
        var maries = NewList(app, marie);
        var lucas = NewList(app, luca);
        await maries.LoadAsync(new ConversationFilter());
        await lucas.LoadAsync(new ConversationFilter());

        // An event naming a conversation of another brand (as if misrouted to Marie's account) shows nothing of it.
        await Apply(app, maries, marie, Changed(elsewhere), Changed(mine));
        await Apply(app, lucas, luca, Changed(elsewhere), Changed(mine));
        Assert.DoesNotContain(elsewhere, maries.Rows.Select(r => r.Id));
        Assert.Equal(1, maries.Rows.Single(r => r.Id == mine).Unread);
        Assert.Equal(0, lucas.Rows.Single(r => r.Id == mine).Unread);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Rows_after_the_loaded_pages_wait_for_load_more(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var ids = new List<long>();
        for (var i = 0; i < ConsoleList.PageSize + 5; i++)
        {
            ids.Add(await seed.AddAsync(new Seeded($"Customer {i}") { Ago = TimeSpan.FromMinutes(200 - i) }));
        }

        var list = NewList(app, marie);
        await list.LoadAsync(new ConversationFilter());
        Assert.NotNull(list.Next);

        // The oldest conversation (on the next page) changes without new activity: it stays off the loaded page.
        await Apply(app, list, marie, Changed(ids[0]));
        Assert.Equal(ConsoleList.PageSize, list.Rows.Count);
        await list.LoadMoreAsync();
        Assert.Equal(ids.AsEnumerable().Reverse(), list.Rows.Select(r => r.Id));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Consoles_asking_at_once_share_reads_and_each_gets_the_rows_it_asked_for(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await seed.AddAsync(new Seeded($"Customer {i}")));
        }

        var shared = app.Service<ConsoleRows>();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => shared.ReadAsync(marie, new ConversationFilter(), [ids[i % 10], ids[(i + 3) % 10]], CancellationToken.None))));
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(new[] { ids[i % 10], ids[(i + 3) % 10] }.Order(), answers[i].Keys.Order());
        }
    }

    private static LiveList NewList(ParleyApplication app, AdvisorSession advisor) =>
        new(app.Service<ConsoleQueries>(), app.Service<ConsoleRows>(), advisor);

    private static ConversationChanged Changed(long conversationId) =>
        new ConversationChanged(0, conversationId, ConversationStatus.Queued, null, null);

    /// <summary>Applies the events, then checks the patched list against a full read of as many rows.</summary>
    private static async Task Apply(ParleyApplication app, LiveList list, AdvisorSession advisor, params ConversationEvent[] events)
    {
        await list.ApplyAsync(events);
        var page = await app.Service<ConsoleQueries>().PageAsync(advisor, list.Filter, null, Math.Max(1, list.Rows.Count), CancellationToken.None);
        Assert.Equal(page.Rows.Select(Shown), list.Rows.Select(Shown));
    }

    private static string Shown(ConversationRow r) =>
        $"{r.Id} {r.ContactName} {r.Status} {r.QueueName} {r.AssigneeName} {r.Preview} {r.LastActivityAt:O} {r.Unread} {string.Join(",", r.Tags ?? [])}";
}
