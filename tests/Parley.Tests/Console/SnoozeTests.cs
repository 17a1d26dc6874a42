using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Console;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Console;

/// <summary>Snooze until a time or the customer's reply: the rule (in a query and in C#), and who may snooze.</summary>
public sealed class SnoozeTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_snoozed_until_a_time_wakes_when_the_time_passes(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await SessionAsync(app, "marie@parley.local");
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, conversationId, CancellationToken.None)).Ok);
        Assert.False(await SnoozedAsync(app, conversationId));

        var until = app.Clock.GetUtcNow().UtcDateTime.AddHours(2);
        Assert.Equal(SnoozeOutcome.Done, await app.Service<ConversationSnoozing>().SnoozeAsync(marie, conversationId, until, CancellationToken.None));
        Assert.True(await SnoozedAsync(app, conversationId));

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(59));
        Assert.True(await SnoozedAsync(app, conversationId));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await SnoozedAsync(app, conversationId));

        // The status, queue and assignee never moved.
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.Equal((ConversationStatus.Assigned, (long?)marie.Id), (conversation.Status, conversation.AssigneeId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversation_snoozed_until_the_reply_wakes_when_the_customer_writes_and_not_before(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await SessionAsync(app, "marie@parley.local");
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        await customer.SendAsync("Parcels", "parcels");
        await customer.WaitForAsync(m => m.Status == "queued", "the handoff");
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, conversationId, CancellationToken.None)).Ok);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        using var marieClient = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var snoozed = await marieClient.PostAsJsonAsync($"/api/console/conversations/{conversationId}/snooze", new SnoozeInput(null));
        Assert.Equal(HttpStatusCode.NoContent, snoozed.StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(50)); // well within the widget session's hour
        Assert.True(await SnoozedAsync(app, conversationId));

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await customer.SendAsync("Any news?");
        await Expect.UntilAsync(async () => !await SnoozedAsync(app, conversationId), "the customer's message to end the snooze");

        // Snoozed again, then woken by hand.
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NoContent, (await marieClient.PostAsJsonAsync($"/api/console/conversations/{conversationId}/snooze", new SnoozeInput(null))).StatusCode);
        Assert.True(await SnoozedAsync(app, conversationId));
        Assert.Equal(HttpStatusCode.NoContent, (await marieClient.DeleteAsync($"/api/console/conversations/{conversationId}/snooze")).StatusCode);
        Assert.False(await SnoozedAsync(app, conversationId));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Only_the_assignee_or_a_supervisor_of_the_account_snoozes(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await OtherBrandAsync(app);
        var marie = await SessionAsync(app, "marie@parley.local");
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        var url = $"/api/console/conversations/{conversationId}/snooze";
        var later = new SnoozeInput(app.Clock.GetUtcNow().AddHours(1));
        using var anonymous = app.CreateClient();
        using var luca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        using var sam = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        using var olga = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        using var marieClient = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        // Unassigned: only a supervisor; another brand's admin does not even see it.
        Assert.Equal(HttpStatusCode.Forbidden, (await marieClient.PostAsJsonAsync(url, later)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsJsonAsync(url, later)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.DeleteAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(url, later)).StatusCode);
        Assert.False(await SnoozedAsync(app, conversationId));

        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, conversationId, CancellationToken.None)).Ok);
        Assert.Equal(HttpStatusCode.Forbidden, (await luca.PostAsJsonAsync(url, later)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await marieClient.PostAsJsonAsync(url, new SnoozeInput(app.Clock.GetUtcNow().AddMinutes(-1)))).StatusCode);
        Assert.False(await SnoozedAsync(app, conversationId));
        Assert.Equal(HttpStatusCode.NoContent, (await sam.PostAsJsonAsync(url, later)).StatusCode);
        Assert.True(await SnoozedAsync(app, conversationId));
        Assert.Equal(HttpStatusCode.Forbidden, (await luca.DeleteAsync(url)).StatusCode);
        Assert.True(await SnoozedAsync(app, conversationId));
        Assert.Equal(HttpStatusCode.NoContent, (await marieClient.DeleteAsync(url)).StatusCode);
        Assert.False(await SnoozedAsync(app, conversationId));
    }

    /// <summary>The rule both ways: as the console's list query runs it, and as C# reads a loaded conversation. They must agree.</summary>
    private static async Task<bool> SnoozedAsync(ParleyApplication app, long conversationId)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var inQuery = await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Where(Snooze.IsSnoozed(now)).AnyAsync());
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.Equal(inQuery, Snooze.IsSnoozedAt(conversation, now));

        // The console's list: "open" leaves a snoozed conversation out, "snoozed" shows it.
        var admin = await app.AdvisorAsync("admin@parley.local");
        var queries = app.Service<ConsoleQueries>();
        var open = await queries.ListAsync(admin, new ConversationFilter(), CancellationToken.None);
        var snoozed = await queries.ListAsync(admin, new ConversationFilter { Status = StatusFilter.Snoozed }, CancellationToken.None);
        Assert.Equal((!inQuery, inQuery), (open.Any(r => r.Id == conversationId), snoozed.Any(r => r.Id == conversationId)));
        return inQuery;
    }
}
