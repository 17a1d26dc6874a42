using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Console.Help;
using Parley.Console.Notes;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Console;

/// <summary>An advisor asks for help; the supervisors who help them list, answer, take over and close it, leaving a trace.</summary>
public sealed class HelpRequestsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_request_is_asked_listed_answered_privately_and_closed_with_a_trace(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        var marieSession = await SessionAsync(app, "marie@parley.local");
        using var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        using var sam = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        using var luca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        var ask = $"/api/console/conversations/{conversationId}/help";

        Assert.Equal(HttpStatusCode.BadRequest, (await marie.PostAsJsonAsync(ask, new HelpInput("  "))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await marie.PostAsJsonAsync(ask, new HelpInput(new string('x', 1001)))).StatusCode);
        var asked = await marie.PostAsJsonAsync(ask, new HelpInput("The customer wants a refund over the limit"));
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = (await asked.Content.ReadFromJsonAsync<HelpRequestView>(Json))!;
        Assert.Equal((HelpStatus.Open, "Marie"), (request.Status, request.RequesterName));
        Assert.Equal(HttpStatusCode.Conflict, (await marie.PostAsJsonAsync(ask, new HelpInput("Again"))).StatusCode);

        // The supervisor lists it; a plain advisor of the account lists nothing and cannot answer.
        var pending = (await sam.GetFromJsonAsync<List<HelpRequestView>>("/api/console/help", Json))!;
        Assert.Equal(request.Id, Assert.Single(pending).Id);
        Assert.Empty((await luca.GetFromJsonAsync<List<HelpRequestView>>("/api/console/help", Json))!);
        Assert.Equal(HttpStatusCode.Forbidden, (await luca.PostAsJsonAsync($"/api/console/help/{request.Id}/answer", new HelpText("Sure"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await sam.PostAsJsonAsync($"/api/console/help/{request.Id}/answer", new HelpText(""))).StatusCode);

        // The private answer is a note naming Marie: she is notified.
        var answered = await sam.PostAsJsonAsync($"/api/console/help/{request.Id}/answer", new HelpText("Up to 50 EUR is fine, I approve."));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal((HelpStatus.Answered, "Sam (supervisor)"), (await answered.Content.ReadFromJsonAsync<HelpRequestView>(Json)) is { } a ? (a.Status, a.AnsweredBy) : default);
        var notes = app.Service<ConversationNotes>();
        Assert.Equal("@Marie Up to 50 EUR is fine, I approve.", (await notes.ListAsync(marieSession, conversationId, CancellationToken.None))!.Single().Body);
        Assert.Equal(conversationId, Assert.Single(await notes.UnreadMentionsAsync(marieSession, CancellationToken.None)).ConversationId);
        var mine = (await marie.GetFromJsonAsync<List<HelpRequestView>>(ask, Json))!;
        Assert.Equal(HelpStatus.Answered, Assert.Single(mine).Status);

        // Closed by the requester, with the trace; it leaves the supervisor's list and cannot be closed twice.
        Assert.Equal(HttpStatusCode.Forbidden, (await luca.PostAsync($"/api/console/help/{request.Id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marie.PostAsync($"/api/console/help/{request.Id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await sam.PostAsync($"/api/console/help/{request.Id}/close", null)).StatusCode);
        Assert.Equal(
            "Help requested by Marie: The customer wants a refund over the limit — answered by Sam (supervisor); closed by Marie.",
            (await notes.ListAsync(marieSession, conversationId, CancellationToken.None))![^1].Body);
        Assert.Empty((await sam.GetFromJsonAsync<List<HelpRequestView>>("/api/console/help", Json))!);
        Assert.Equal(HelpStatus.Closed, Assert.Single((await marie.GetFromJsonAsync<List<HelpRequestView>>(ask, Json))!).Status);
        Assert.Equal(HttpStatusCode.Created, (await marie.PostAsJsonAsync(ask, new HelpInput("One more question"))).StatusCode);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_supervisor_takes_the_conversation_over_which_closes_the_request(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        var marie = await SessionAsync(app, "marie@parley.local");
        var sam = await SessionAsync(app, "supervisor@parley.local");
        var help = app.Service<HelpRequests>();
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, conversationId, CancellationToken.None)).Ok);
        using var live = app.Service<ConversationEventHub>().SubscribeAccount(marie.AccountIds.Single());
        var request = (await help.AskAsync(marie, conversationId, "Angry customer, please step in", CancellationToken.None)).Request!;
        Assert.Contains(await DrainAsync(live), e => e is HelpRequestChanged c && c.RequestId == request.Id && c.HelpConversationId == conversationId);

        Assert.Equal(HelpResult.Ok, (await help.JoinAsync(sam, request.Id, CancellationToken.None)).Result);
        Assert.Equal("Sam (supervisor)", Assert.Single(await help.PendingAsync(sam, CancellationToken.None)).JoinedBy);
        Assert.Equal(HelpResult.Ok, (await help.WhisperAsync(sam, request.Id, "Offer the express option", CancellationToken.None)).Result);
        var taken = await help.TakeOverAsync(sam, request.Id, CancellationToken.None);

        Assert.Equal((HelpResult.Ok, HelpStatus.Closed, true), (taken.Result, taken.Request!.Status, taken.Request.TakenOver));
        Assert.Equal(sam.Id, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.AssigneeId).FirstAsync()));
        var bodies = (await app.Service<ConversationNotes>().ListAsync(sam, conversationId, CancellationToken.None))!.Select(n => n.Body).ToList();
        Assert.Equal(["Offer the express option", "Help requested by Marie: Angry customer, please step in — taken over by Sam (supervisor)."], bodies);
        Assert.Empty(await help.PendingAsync(sam, CancellationToken.None));
        Assert.Equal(HelpResult.Conflict, (await help.WhisperAsync(sam, request.Id, "Too late", CancellationToken.None)).Result);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Another_brands_advisor_can_neither_ask_see_nor_act_and_a_plain_advisor_cannot_help(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await OtherBrandAsync(app);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        var request = (await app.Service<HelpRequests>().AskAsync(await SessionAsync(app, "marie@parley.local"), conversationId, "Help", CancellationToken.None)).Request!;
        using var olga = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        using var luca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        using var anonymous = app.CreateClient();
        var ask = $"/api/console/conversations/{conversationId}/help";

        Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsJsonAsync(ask, new HelpInput("Let me in"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await olga.GetAsync(ask)).StatusCode);
        Assert.Empty((await olga.GetFromJsonAsync<List<HelpRequestView>>("/api/console/help", Json))!);
        Assert.Empty((await luca.GetFromJsonAsync<List<HelpRequestView>>(ask, Json))!);
        foreach (var action in new[] { "answer", "whisper", "join", "take-over", "close" })
        {
            var url = $"/api/console/help/{request.Id}/{action}";
            Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsJsonAsync(url, new HelpText("Hi"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await luca.PostAsJsonAsync(url, new HelpText("Hi"))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(url, new HelpText("Hi"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await olga.PostAsJsonAsync("/api/console/help/999999/close", new HelpText("Hi"))).StatusCode);
        Assert.Equal(HelpStatus.Open, await app.DbAsync(db => db.HelpRequests.Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.ConversationNotes.CountAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task With_teams_a_supervisor_helps_the_advisors_of_their_own_teams(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var marie = await SessionAsync(app, "marie@parley.local");
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        await TeamAsync(app, account, "Parcels", marie);
        var banking = await TeamAsync(app, account, "Banking", supervisor);
        var (conversationId, customer) = await ConversationAsync(app);
        using var _ = customer;
        var help = app.Service<HelpRequests>();
        var request = (await help.AskAsync(marie, conversationId, "Help", CancellationToken.None)).Request!;

        var sam = await SessionAsync(app, "supervisor@parley.local");
        Assert.Empty(await help.PendingAsync(sam, CancellationToken.None));
        Assert.Equal(HelpResult.Forbidden, (await help.AnswerAsync(sam, request.Id, "Hi", CancellationToken.None)).Result);
        Assert.Single(await help.PendingAsync(await SessionAsync(app, "admin@parley.local"), CancellationToken.None));

        await app.DbAsync(db => db.AdvisorTeams.Where(t => t.TeamId == banking).ExecuteDeleteAsync());
        Assert.Single(await help.PendingAsync(await SessionAsync(app, "supervisor@parley.local"), CancellationToken.None));
    }

    private static async Task<List<ConversationEvent>> DrainAsync(ConversationEventHub.Subscription subscription)
    {
        var seen = new List<ConversationEvent>();
        await Expect.UntilAsync(() =>
        {
            while (subscription.Reader.TryRead(out var e))
            {
                seen.Add(e);
            }

            return Task.FromResult(seen.Count > 0);
        }, "an event published");
        return seen;
    }
}
