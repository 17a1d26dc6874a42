using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Identity.TeamsSetup;

namespace Parley.Tests.Identity;

/// <summary>/api/console/advisors: admins create, change, disable advisors and reset their passwords, in their accounts.</summary>
public sealed class AdvisorsApiTests
{
    private const string Strong = "a long enough password";

    [Theory, OnSqlite, OnPostgres]
    public async Task An_admin_creates_an_advisor_who_signs_in_and_bad_input_is_a_problem(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var queue = await app.DbAsync(db => db.Queues.Where(q => q.AccountId == account).OrderBy(q => q.Id).Select(q => q.Id).FirstAsync());
        var (otherAccount, _) = await OtherBrandAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");

        var created = await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor(" Nina@Parley.Local ", " Nina Neri ", AdvisorRole.Advisor, [account], Strong, [queue]), Json);
        await Expect.StatusAsync(created, HttpStatusCode.Created);
        var body = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Strong, body, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        var nina = (await created.Content.ReadFromJsonAsync<AdvisorView>(Json))!;
        Assert.Equal(("nina@parley.local", "Nina Neri", AdvisorRole.Advisor, false, Presence.Offline), (nina.Email, nina.DisplayName, nina.Role, nina.Disabled, nina.Presence));
        Assert.Equal([account], nina.AccountIds);
        Assert.Equal([queue], nina.QueueIds);
        Assert.Contains(await admin.GetFromJsonAsync<List<AdvisorView>>("/api/console/advisors", Json) ?? [], a => a.Id == nina.Id);

        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal("/console", (await ConsoleLogin.LoginAsync(browser, "nina@parley.local", Strong)).Headers.Location?.OriginalString);

        var taken = await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("NINA@parley.local", "Another Nina", AdvisorRole.Advisor, [account], Strong), Json), HttpStatusCode.Conflict);
        Assert.Contains("nina@parley.local", taken.GetProperty("detail").GetString());
        var weak = await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("weak@parley.local", "Weak", AdvisorRole.Advisor, [account], "short"), Json), HttpStatusCode.BadRequest);
        Assert.Equal(PasswordRules.Rule, weak.GetProperty("detail").GetString());
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("weak@parley.local", "Weak", AdvisorRole.Advisor, [account], "aaaaaaaaaaaaaaaa"), Json), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("out@parley.local", "Out", AdvisorRole.Advisor, [otherAccount], Strong), Json), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("not an email", "Bad", AdvisorRole.Advisor, [account], Strong), Json), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("none@parley.local", "None", AdvisorRole.Advisor, [], Strong), Json), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PostAsJsonAsync("/api/console/advisors",
            new NewAdvisor("role@parley.local", "Role", (AdvisorRole)42, [account], Strong), Json), HttpStatusCode.BadRequest);
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_role_change_ends_sessions_and_a_disabled_advisor_cannot_sign_in_and_loses_their_conversations(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var marieId = (await SessionAsync(app, "marie@parley.local")).Id;
        var marieClient = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        await Expect.StatusAsync(await marieClient.GetAsync("/api/console/teams"), HttpStatusCode.OK);

        var edited = await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("Marie Curie", AdvisorRole.Supervisor, [account], [], false), Json);
        await Expect.StatusAsync(edited, HttpStatusCode.OK);
        Assert.Equal(("Marie Curie", AdvisorRole.Supervisor), ((await edited.Content.ReadFromJsonAsync<AdvisorView>(Json))!.DisplayName, (await SessionAsync(app, "marie@parley.local")).Role));
        await Expect.StatusAsync(await marieClient.GetAsync("/api/console/teams"), HttpStatusCode.Unauthorized);

        // Signed in again, Marie takes a conversation; disabled, she is offline, it is back in its queue, and she cannot sign in.
        marieClient = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var (conversationId, _) = await ConversationAsync(app);
        Assert.True((await app.Service<ConversationActions>().TakeOverAsync(await SessionAsync(app, "marie@parley.local"), conversationId, CancellationToken.None)).Ok);
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("Marie Curie", AdvisorRole.Supervisor, [account], [], true), Json), HttpStatusCode.OK);

        await Expect.StatusAsync(await marieClient.GetAsync("/api/console/teams"), HttpStatusCode.Unauthorized);
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.Equal((ConversationStatus.Queued, (long?)null), (conversation.Status, conversation.AssigneeId));
        Assert.Equal(Presence.Offline, await app.DbAsync(db => db.Advisors.Where(a => a.Id == marieId).Select(a => a.Presence).FirstAsync()));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal("/login?error=1", (await ConsoleLogin.LoginAsync(browser, "marie@parley.local", ParleyApplication.Password)).Headers.Location?.OriginalString);

        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("Marie Curie", AdvisorRole.Advisor, [account], [], false), Json), HttpStatusCode.OK);
        Assert.Equal("/console", (await ConsoleLogin.LoginAsync(browser, "marie@parley.local", ParleyApplication.Password)).Headers.Location?.OriginalString);
        Assert.Empty(app.LoggedErrors);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_password_reset_ends_sessions_and_admins_act_only_within_their_scope(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var account = await DemoAccountAsync(app);
        var (otherAccount, _) = await OtherBrandAsync(app);
        using var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var adminId = (await SessionAsync(app, "admin@parley.local")).Id;
        var marieId = (await SessionAsync(app, "marie@parley.local")).Id;
        var marieClient = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");

        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}/password", new NewPassword("short")), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}/password", new NewPassword("marie@parley.local")), HttpStatusCode.BadRequest);
        await Expect.StatusAsync(await marieClient.GetAsync("/api/console/teams"), HttpStatusCode.OK);
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}/password", new NewPassword(Strong)), HttpStatusCode.NoContent);
        await Expect.StatusAsync(await marieClient.GetAsync("/api/console/teams"), HttpStatusCode.Unauthorized);
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal("/login?error=1", (await ConsoleLogin.LoginAsync(browser, "marie@parley.local", ParleyApplication.Password)).Headers.Location?.OriginalString);
        Assert.Equal("/console", (await ConsoleLogin.LoginAsync(browser, "marie@parley.local", Strong)).Headers.Location?.OriginalString);

        // No admin demotes or disables themselves; another brand's admin does not see this brand's advisors.
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{adminId}", new AdvisorEdit("Admin", AdvisorRole.Advisor, [account], [], false), Json), HttpStatusCode.BadRequest);
        using var other = await ConsoleLogin.SignedInAsync(app, "admin@other.example");
        await Expect.ProblemAsync(await other.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("M", AdvisorRole.Admin, [otherAccount], [], false), Json), HttpStatusCode.NotFound);
        Assert.DoesNotContain(await other.GetFromJsonAsync<List<AdvisorView>>("/api/console/advisors", Json) ?? [], a => a.Id == marieId);

        // Marie works for both brands: the brand's admin changes her queues here, not her role, which is hers in both.
        await app.DbAsync(async db =>
        {
            db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = marieId, AccountId = otherAccount });
            return await db.SaveChangesAsync();
        });
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("Marie", AdvisorRole.Admin, [account], [], false), Json), HttpStatusCode.Forbidden);
        var queues = await app.DbAsync(db => db.Queues.Where(q => q.AccountId == account).Select(q => q.Id).ToListAsync());
        var kept = await admin.PutAsJsonAsync($"/api/console/advisors/{marieId}", new AdvisorEdit("Marie", AdvisorRole.Advisor, [account], queues, false), Json);
        await Expect.StatusAsync(kept, HttpStatusCode.OK);
        Assert.Equal([account], (await kept.Content.ReadFromJsonAsync<AdvisorView>(Json))!.AccountIds);
        Assert.Equal([account, otherAccount], (await SessionAsync(app, "marie@parley.local")).AccountIds.Order());
        Assert.Empty(app.LoggedErrors);
    }
}
