using System.Net;
using System.Net.Http.Json;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Identity;

/// <summary>/api/console/teams: admins manage their accounts' teams; the session learns its teams.</summary>
public sealed class TeamsApiTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_creates_renames_staffs_and_deletes_a_team_and_the_advisor_session_follows(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var marie = await SessionAsync(app, "marie@parley.local");
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");

        var created = await admin.PostAsJsonAsync("/api/console/teams", new TeamInput(account, " Second line "));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var team = (await created.Content.ReadFromJsonAsync<TeamView>(Json))!;
        Assert.Equal((account, "Second line"), (team.AccountId, team.Name));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/console/teams", new TeamInput(account, "Second line"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/console/teams", new TeamInput(account, "  "))).StatusCode);

        var renamed = await admin.PutAsJsonAsync($"/api/console/teams/{team.Id}", new TeamRename("Bank experts"));
        Assert.Equal("Bank experts", (await renamed.Content.ReadFromJsonAsync<TeamView>(Json))!.Name);
        var staffed = await admin.PutAsync($"/api/console/teams/{team.Id}/members/{marie.Id}", null);
        Assert.Equal([marie.Id], (await staffed.Content.ReadFromJsonAsync<TeamView>(Json))!.MemberIds);
        Assert.Equal([team.Id], (await SessionAsync(app, "marie@parley.local")).TeamIds);

        // An advisor of another brand cannot join this brand's team.
        var (_, outsider) = await OtherBrandAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsync($"/api/console/teams/{team.Id}/members/{outsider.Id}", null)).StatusCode);

        var listed = await admin.GetFromJsonAsync<List<TeamView>>("/api/console/teams", Json);
        var only = Assert.Single(listed!);
        Assert.Equal((team.Id, account, "Bank experts"), (only.Id, only.AccountId, only.Name));
        Assert.Equal([marie.Id], only.MemberIds);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/console/teams/{team.Id}")).StatusCode);
        Assert.Empty((await SessionAsync(app, "marie@parley.local")).TeamIds);
        Assert.Empty((await admin.GetFromJsonAsync<List<TeamView>>("/api/console/teams", Json))!);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Only_admins_of_the_teams_account_manage_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var marie = await SessionAsync(app, "marie@parley.local");
        var teamId = await TeamAsync(app, account, "Parcels first line", marie);
        var (otherAccount, _) = await OtherBrandAsync(app);
        using var anonymous = app.CreateClient();
        using var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        using var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        using var otherAdmin = await ConsoleLogin.SignedInAsync(app, "admin@other.example");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/console/teams", new TeamInput(account, "Nope"))).StatusCode);
        foreach (var client in new[] { supervisor, advisor })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/console/teams", new TeamInput(account, "Nope"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/console/teams/{teamId}")).StatusCode);
        }

        // Another brand's admin: refused in this account, and this account's team does not exist for them.
        Assert.Equal(HttpStatusCode.Forbidden, (await otherAdmin.PostAsJsonAsync("/api/console/teams", new TeamInput(account, "Mine now"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PutAsJsonAsync($"/api/console/teams/{teamId}", new TeamRename("Mine now"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PutAsync($"/api/console/teams/{teamId}/members/{marie.Id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.DeleteAsync($"/api/console/teams/{teamId}/members/{marie.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.DeleteAsync($"/api/console/teams/{teamId}")).StatusCode);
        Assert.Empty((await otherAdmin.GetFromJsonAsync<List<TeamView>>("/api/console/teams", Json))!);
        Assert.Equal(HttpStatusCode.Created, (await otherAdmin.PostAsJsonAsync("/api/console/teams", new TeamInput(otherAccount, "Parcels first line"))).StatusCode);

        // Advisors see their accounts' teams; nothing changed.
        var seen = (await advisor.GetFromJsonAsync<List<TeamView>>("/api/console/teams", Json))!;
        Assert.Equal("Parcels first line", Assert.Single(seen).Name);
        Assert.Equal([marie.Id], seen[0].MemberIds);
    }
}
