using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Console;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>Saved views through /api/console/views: personal ones for their advisor, shared ones for an account's advisors.</summary>
public sealed class SavedViewsTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Personal_views_are_their_advisors_and_shared_ones_their_accounts(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var luca = await ConsoleLogin.SignedInAsync(app, "luca@parley.local");
        var sam = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        var account = (await app.AdvisorAsync("marie@parley.local")).AccountIds.Single();
        var outsider = await new ListSeed(app).OtherBrandAsync();
        var views = app.Service<SavedViews>();

        // Marie's own view: she reads it back, normalized; Luca neither lists nor reads it.
        var created = await marie.PostAsJsonAsync("/api/console/views", new { name = " Angry WhatsApp ", query = "sentiment=Negative&channel=WHATSAPP&q=parcel" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mine = await created.Content.ReadFromJsonAsync<JsonElement>();
        var mineId = mine.GetProperty("id").GetInt64();
        Assert.Equal("Angry WhatsApp", mine.GetProperty("name").GetString());
        Assert.Equal("channel=whatsapp&sentiment=negative&q=parcel", mine.GetProperty("query").GetString());
        Assert.False(mine.GetProperty("shared").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await marie.GetAsync($"/api/console/views/{mineId}")).StatusCode);
        await Expect.ProblemAsync(await luca.GetAsync($"/api/console/views/{mineId}"), HttpStatusCode.NotFound);
        Assert.Empty(await luca.GetFromJsonAsync<JsonElement[]>("/api/console/views") ?? []);
        await Expect.ProblemAsync(await luca.DeleteAsync($"/api/console/views/{mineId}"), HttpStatusCode.NotFound);

        // Sharing is for supervisors and admins of the account.
        await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/views", new { name = "Team", query = "", accountId = account }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await sam.PostAsJsonAsync("/api/console/views", new { name = "Theirs", query = "", accountId = outsider.AccountIds.Single() }), HttpStatusCode.Forbidden);
        var shared = await sam.PostAsJsonAsync("/api/console/views", new { name = "Waiting 15 min", query = "waiting=15&assigned=unassigned", accountId = account });
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var sharedId = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var lucasList = await luca.GetFromJsonAsync<JsonElement[]>("/api/console/views");
        Assert.Equal([sharedId], lucasList!.Select(v => v.GetProperty("id").GetInt64()));
        Assert.Equal(2, (await marie.GetFromJsonAsync<JsonElement[]>("/api/console/views"))!.Length);

        // Another brand's advisor sees neither; an advisor may not delete a shared view, its supervisor may.
        Assert.Empty(await views.VisibleAsync(outsider, CancellationToken.None));
        Assert.Null(await views.GetAsync(outsider, sharedId, CancellationToken.None));
        Assert.Null(await views.GetAsync(outsider, mineId, CancellationToken.None));
        Assert.Equal(ViewRefusal.NotFound, (await views.DeleteAsync(outsider, sharedId, CancellationToken.None)).Refusal);
        await Expect.ProblemAsync(await marie.DeleteAsync($"/api/console/views/{sharedId}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await sam.DeleteAsync($"/api/console/views/{sharedId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.DeleteAsync($"/api/console/views/{mineId}")).StatusCode);
        Assert.Empty(await marie.GetFromJsonAsync<JsonElement[]>("/api/console/views") ?? []);

        // Bad input is a 400 with the reason; no session, a 401.
        await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/views", new { name = "", query = "" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/views", new { name = new string('v', 81), query = "" }), HttpStatusCode.BadRequest);
        var bad = await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/views", new { name = "Bad", query = "status=sleeping&colour=red" }), HttpStatusCode.BadRequest);
        Assert.Contains("status", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("colour", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/views", new { name = "Loop", query = "view=3" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await app.CreateClient().GetAsync("/api/console/views"), HttpStatusCode.Unauthorized);
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Advisors_tag_conversations_of_their_accounts_and_the_list_shows_and_filters_the_tags(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var seed = new ListSeed(app);
        var marie = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var session = await app.AdvisorAsync("marie@parley.local");
        var outsider = await seed.OtherBrandAsync();
        var tagged = await seed.AddAsync(new Seeded("Ann"));
        var other = await seed.AddAsync(new Seeded("Bob"));

        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"/api/console/conversations/{tagged}/tags", new { tag = "  Late   Delivery " })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"/api/console/conversations/{tagged}/tags", new { tag = "vip" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await marie.PostAsJsonAsync($"/api/console/conversations/{tagged}/tags", new { tag = "VIP" })).StatusCode);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync($"/api/console/conversations/{tagged}/tags", new { tag = "<b>" }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await marie.PostAsJsonAsync("/api/console/conversations/424242/tags", new { tag = "vip" }), HttpStatusCode.NotFound);
        Assert.Equal(TagOutcome.NotFound, await app.Service<ConversationTags>().AddAsync(outsider, other, "mine", CancellationToken.None));
        Assert.Equal(TagOutcome.NotFound, await app.Service<ConversationTags>().RemoveAsync(outsider, tagged, "vip", CancellationToken.None));

        var queries = app.Service<ConsoleQueries>();
        var rows = await queries.ListAsync(session, new ConversationFilter(), CancellationToken.None);
        Assert.Equal(["late delivery", "vip"], rows.Single(r => r.Id == tagged).Tags!);
        Assert.Empty(rows.Single(r => r.Id == other).Tags!);
        Assert.Equal([tagged], (await queries.ListAsync(session, new ConversationFilter { Tags = ["late delivery"] }, CancellationToken.None)).Select(r => r.Id));

        Assert.Equal(HttpStatusCode.NoContent, (await marie.DeleteAsync($"/api/console/conversations/{tagged}/tags/vip")).StatusCode);
        Assert.Equal(["late delivery"], await app.Service<ConversationTags>().OfAsync(session, tagged, CancellationToken.None));
        Assert.Empty(await queries.ListAsync(session, new ConversationFilter { Tags = ["vip"] }, CancellationToken.None));
        Assert.Empty(await app.Service<ConversationTags>().OfAsync(outsider, tagged, CancellationToken.None));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }
}
