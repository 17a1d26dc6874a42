using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Console.Supervision;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;
using static Parley.Tests.Routing.RoutingSetup;

namespace Parley.Tests.Console;

/// <summary>Who sees and steers what from the supervision view, and its actions (reassign, presence of an advisor who left).</summary>
public sealed class SupervisionScopeTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_supervisor_of_another_account_sees_and_steers_nothing_of_this_one_and_an_advisor_is_refused(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var id = await QueueOneAsync(app);
        var parcels = await ParcelsAsync(app);
        var (otherAccount, other) = await OtherBrandAsync(app);
        await app.DbAsync(db => db.Advisors.Where(a => a.Id == other.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Role, AdvisorRole.Supervisor)));
        using var asOther = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        using var asMarie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        // The other brand's supervisor: this account, its queues, conversations and advisors do not exist (404).
        await Expect.ProblemAsync(await asOther.GetAsync($"/api/console/supervision/accounts/{account}"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await asOther.GetAsync($"/api/console/supervision/queues/{parcels}/conversations"), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await asOther.PutAsJsonAsync($"/api/console/supervision/queues/{parcels}/targets", new QueueTargetsDto(30, 60)), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await asOther.PostAsJsonAsync($"/api/console/supervision/conversations/{id}/reassign", new TransferRequest(other.Id, null, null)), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await asOther.PutAsJsonAsync($"/api/console/supervision/advisors/{marie.Id}/presence", new { presence = "offline" }), HttpStatusCode.NotFound);
        var theirs = await asOther.GetFromJsonAsync<List<SupervisedAccount>>("/api/console/supervision/accounts", Json);
        Assert.Equal([otherAccount], theirs!.Select(a => a.Id));
        var board = await asOther.GetFromJsonAsync<SupervisionBoard>($"/api/console/supervision/accounts/{otherAccount}", Json);
        Assert.Equal((0, 1), (board!.Queues.Count, board.Advisors.Count));

        // An advisor of this account: refused (403) everything, even what they could see in the console.
        await Expect.ProblemAsync(await asMarie.GetAsync("/api/console/supervision/accounts"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await asMarie.GetAsync($"/api/console/supervision/accounts/{account}"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await asMarie.GetAsync($"/api/console/supervision/queues/{parcels}/conversations"), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await asMarie.PutAsJsonAsync($"/api/console/supervision/queues/{parcels}/targets", new QueueTargetsDto(30, 60)), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await asMarie.PostAsJsonAsync($"/api/console/supervision/conversations/{id}/reassign", new TransferRequest(marie.Id, null, null)), HttpStatusCode.Forbidden);
        var luca = await app.AdvisorAsync("luca@parley.local");
        await Expect.ProblemAsync(await asMarie.PutAsJsonAsync($"/api/console/supervision/advisors/{luca.Id}/presence", new { presence = "offline" }), HttpStatusCode.Forbidden);
        // Not signed in: 401.
        await Expect.ProblemAsync(await app.CreateClient().GetAsync($"/api/console/supervision/accounts/{account}"), HttpStatusCode.Unauthorized);

        // Nothing changed: the conversation waits, Luca is as he was, the queue has no targets of its own.
        Assert.Equal((ConversationStatus.Queued, (long?)null), ((await ConversationAsync(app, id)).Status, (await ConversationAsync(app, id)).AssigneeId));
        Assert.Equal(Presence.Offline, await app.DbAsync(db => db.Advisors.Where(a => a.Id == luca.Id).Select(a => a.Presence).FirstAsync()));
        Assert.False(await app.DbAsync(db => db.QueueTargets.AnyAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_supervisor_reassigns_a_waiting_conversation_to_an_advisor_then_to_another_queue(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var supervisor = await app.AdvisorAsync("supervisor@parley.local");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var id = await QueueOneAsync(app);
        var parcels = await ParcelsAsync(app);
        var bank = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).FirstAsync());
        using var asSupervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");

        var waiting = await asSupervisor.GetFromJsonAsync<List<QueueConversation>>($"/api/console/supervision/queues/{parcels}/conversations", Json);
        Assert.Equal((id, ConversationStatus.Queued), (Assert.Single(waiting!).Id, waiting![0].Status));

        await Expect.StatusAsync(await asSupervisor.PostAsJsonAsync($"/api/console/supervision/conversations/{id}/reassign", new TransferRequest(luca.Id, null, "Knows this customer.")), HttpStatusCode.NoContent);
        var conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Assigned, luca.Id), (conversation.Status, conversation.AssigneeId));
        var reason = AssignmentReason.Parse(conversation.AssignmentReason)!;
        Assert.Equal((AssignmentRule.Transfer, "Knows this customer.", supervisor.Id), (reason.Rule, reason.Note, reason.ByAdvisorId));
        var listed = await asSupervisor.GetFromJsonAsync<List<QueueConversation>>($"/api/console/supervision/queues/{parcels}/conversations", Json);
        Assert.Equal(("Luca", ConversationStatus.Assigned), (Assert.Single(listed!).AssigneeName, listed![0].Status));

        await Expect.StatusAsync(await asSupervisor.PostAsJsonAsync($"/api/console/supervision/conversations/{id}/reassign", new TransferRequest(null, bank, null)), HttpStatusCode.NoContent);
        conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Queued, bank, (long?)null), (conversation.Status, conversation.QueueId, conversation.AssigneeId));
        // Neither target, or both: 400, as the transfer rules say.
        await Expect.ProblemAsync(await asSupervisor.PostAsJsonAsync($"/api/console/supervision/conversations/{id}/reassign", new TransferRequest(null, null, null)), HttpStatusCode.BadRequest);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task An_advisor_set_offline_by_a_supervisor_has_their_conversations_requeued_by_the_presence_rule(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await app.AdvisorAsync("marie@parley.local");
        var id = await QueueOneAsync(app);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(marie, id, CancellationToken.None)).Ok);
        await SetPresenceAsync(app, marie, Presence.Online);
        using var asSupervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        using var events = app.Service<ConversationEventHub>().SubscribeAccount(await DemoAccountAsync(app));

        // Online on someone's behalf is not a supervisor's call: 400.
        await Expect.ProblemAsync(await asSupervisor.PutAsJsonAsync($"/api/console/supervision/advisors/{marie.Id}/presence", new { presence = "online" }), HttpStatusCode.BadRequest);
        await Expect.StatusAsync(await asSupervisor.PutAsJsonAsync($"/api/console/supervision/advisors/{marie.Id}/presence", new { presence = "offline" }), HttpStatusCode.NoContent);

        Assert.Equal(Presence.Offline, await app.DbAsync(db => db.Advisors.Where(a => a.Id == marie.Id).Select(a => a.Presence).FirstAsync()));
        Assert.True(events.Reader.TryRead(out var changed) && changed is AdvisorPresenceChanged { AdvisorId: var who } && who == marie.Id);
        // The routing rule decides when her conversation goes back: not before Routing:RequeueAfter, then yes.
        var sweep = app.Service<PresenceSweep>();
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        app.Clock.Advance(app.Service<IOptions<RoutingOptions>>().Value.RequeueAfter + TimeSpan.FromSeconds(1));
        await sweep.SweepAsync(CancellationToken.None);
        var conversation = await ConversationAsync(app, id);
        Assert.Equal((ConversationStatus.Queued, (long?)null), (conversation.Status, conversation.AssigneeId));
    }
}
