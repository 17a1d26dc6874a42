using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Routing;

/// <summary>/api/console/queues: admins create, rename and delete (only when empty) the queues of their accounts.</summary>
public sealed class QueuesApiTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_creates_renames_and_deletes_an_empty_queue_and_a_used_one_stays(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var (otherAccount, _) = await OtherBrandAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");

        var created = await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(account, " Claims "));
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var claims = (await created.Content.ReadFromJsonAsync<QueueView>(Json))!;
        Assert.Equal((account, "Claims"), (claims.AccountId, claims.Name));
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(account, "Claims")), HttpStatusCode.Conflict);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(account, " ")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(otherAccount, "Theirs")), HttpStatusCode.NotFound);

        var renamed = await admin.PutAsJsonAsync($"/api/console/queues/{claims.Id}", new QueueRename("Refunds"));
        Assert.Equal("Refunds", (await renamed.Content.ReadFromJsonAsync<QueueView>(Json))!.Name);
        var first = await app.DbAsync(db => db.Queues.Where(q => q.AccountId == account).OrderBy(q => q.Id).FirstAsync());
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/queues/{claims.Id}", new QueueRename(first.Name)), HttpStatusCode.Conflict);
        Assert.Contains(await admin.GetFromJsonAsync<List<QueueView>>("/api/console/queues", Json) ?? [], q => q.Id == claims.Id && q.Name == "Refunds");

        // The demo's first queue is where its bot sends customers; a queue a conversation went through keeps its history.
        var usedByBot = await Expect.ProblemAsync(await admin.DeleteAsync($"/api/console/queues/{first.Id}"), HttpStatusCode.Conflict);
        Assert.Contains("bot", usedByBot.GetProperty("detail").GetString());
        var used = (await admin.PostAsJsonAsync("/api/console/queues", new NewQueue(account, "Used")));
        var usedId = (await used.Content.ReadFromJsonAsync<QueueView>(Json))!.Id;
        var (conversationId, _) = await ConversationAsync(app);
        var supervisor = await SessionAsync(app, "supervisor@parley.local");
        Assert.True((await app.Service<ConversationActions>().TransferAsync(supervisor, conversationId, new TransferRequest(null, usedId, "to the new queue"), CancellationToken.None)).Result == TransferResult.Done);
        await Expect.ProblemAsync(await admin.DeleteAsync($"/api/console/queues/{usedId}"), HttpStatusCode.Conflict);

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/queues/{claims.Id}/routing", new RoutingAdminApi.QueueRouting([], [new(30, null, null)], 0)), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.DeleteAsync($"/api/console/queues/{claims.Id}"), HttpStatusCode.NoContent);
        Assert.False(await app.DbAsync(db => db.Queues.AnyAsync(q => q.Id == claims.Id)));
        await Expect.ProblemAsync(await admin.DeleteAsync($"/api/console/queues/{claims.Id}"), HttpStatusCode.NotFound);
        Assert.Empty(app.LoggedErrors);
    }
}
