using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Contacts;
using Parley.Contacts.Crm;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Contacts;

/// <summary>The CRM panel's lookup: signed, cached, bounded in time, scoped to the advisor's accounts, set by admins.</summary>
public sealed class CrmLookupTests
{
    private const string Secret = "crm-signing-secret";

    [Theory, OnSqlite, OnPostgres]
    public async Task A_signed_lookup_fills_the_panel_and_is_cached_and_a_slow_crm_times_out_without_caching(DatabaseProvider provider)
    {
        await using var crm = await PlatformStandIn.StartAsync();
        crm.Respond = r => Signed(r) && r.Json.GetProperty("contact").GetProperty("email").GetString() == "ann@example.com"
            ? StandInResponse.Ok(new
            {
                title = "Ann Lee · <b>gold</b>",
                recordUrl = "https://crm.example/customers/42",
                fields = new object[] { new { label = "Segment", value = "Gold" }, new { label = "Since", value = 2015 }, new { label = "", value = "dropped" } },
            })
            : Signed(r) ? new StandInResponse(404, "{}") : new StandInResponse(401, "{}");
        await using var app = new ParleyApplication(provider);
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var account = await app.DbAsync(db => db.Accounts.Where(a => a.Name == "La Posta").Select(a => a.Id).FirstAsync());
        var saved = await admin.PutAsJsonAsync($"/api/console/accounts/{account}/crm", new { url = new Uri(crm.BaseUrl, "lookup").ToString(), secret = Secret, timeoutMs = 2000, cacheSeconds = 600 });
        await Expect.StatusAsync(saved, HttpStatusCode.OK);
        Assert.DoesNotContain(Secret, await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, await app.DbAsync(db => db.Accounts.Where(a => a.Id == account).Select(a => a.CrmJson).FirstAsync()), StringComparison.Ordinal);

        var ann = await ContactAsync(app, account, "Ann Lee", "ann@example.com");
        var luca = await app.AdvisorAsync("luca@parley.local");
        var lookup = app.Service<CrmLookup>();
        var record = await lookup.LookupAsync(luca, ann, CancellationToken.None);

        Assert.Equal(CrmStatus.Found, record!.Status);
        Assert.Equal("Ann Lee · <b>gold</b>", record.Title);
        Assert.Equal([new CrmField("Segment", "Gold"), new CrmField("Since", "2015")], record.Fields);
        Assert.Equal("https://crm.example/customers/42", record.RecordUrl);
        var sent = Assert.Single(crm.Requests).Json.GetProperty("contact");
        Assert.Equal(("Ann Lee", "messenger", "psid-ann"), (sent.GetProperty("name").GetString(),
            sent.GetProperty("identities")[0].GetProperty("channel").GetString(), sent.GetProperty("identities")[0].GetProperty("id").GetString()));

        // Cached: the second look asks the CRM nothing; a contact the CRM does not know is cached as such.
        Assert.Equal(CrmStatus.Found, (await lookup.LookupAsync(luca, ann, CancellationToken.None))!.Status);
        Assert.Single(crm.Requests);
        var bob = await ContactAsync(app, account, "Bob", "bob@example.com");
        Assert.Equal(CrmStatus.NotFound, (await lookup.LookupAsync(luca, bob, CancellationToken.None))!.Status);

        // A CRM slower than the budget: the panel says so, and nothing is cached.
        var carla = await ContactAsync(app, account, "Carla", "carla@example.com");
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/accounts/{account}/crm", new { url = new Uri(crm.BaseUrl, "lookup").ToString(), timeoutMs = 300 }), HttpStatusCode.OK);
        crm.Latency = TimeSpan.FromSeconds(3);
        Assert.Equal(CrmStatus.TimedOut, (await lookup.LookupAsync(luca, carla, CancellationToken.None))!.Status);
        crm.Latency = TimeSpan.Zero;
        await Expect.StatusAsync(await admin.PutAsJsonAsync($"/api/console/accounts/{account}/crm", new { url = new Uri(crm.BaseUrl, "lookup").ToString(), timeoutMs = 5000 }), HttpStatusCode.OK);
        Assert.Equal(CrmStatus.NotFound, (await lookup.LookupAsync(luca, carla, CancellationToken.None))!.Status);

        // Over HTTP, for an advisor of the account; never for another brand's advisor.
        var panel = await (await ConsoleLogin.SignedInAsync(app, "luca@parley.local")).GetFromJsonAsync<JsonElement>($"/api/console/contacts/{ann}/crm");
        Assert.Equal("found", panel.GetProperty("status").GetString());
        Assert.Null(await lookup.LookupAsync(await OutsiderAsync(app), ann, CancellationToken.None));
    }

    [Fact]
    public async Task Only_admins_of_the_account_set_the_lookup_and_bad_settings_are_refused()
    {
        await using var app = new ParleyApplication();
        var account = await app.DbAsync(db => db.Accounts.Where(a => a.Name == "La Posta").Select(a => a.Id).FirstAsync());
        var other = (await OutsiderAsync(app)).AccountIds.Single();
        var admin = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        var path = $"/api/console/accounts/{account}/crm";

        await Expect.ProblemAsync(await (await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local")).PutAsJsonAsync(path, new { url = "https://crm.example/lookup", secret = Secret }), HttpStatusCode.Forbidden);
        await Expect.ProblemAsync(await app.CreateClient().GetAsync(path), HttpStatusCode.Unauthorized);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync($"/api/console/accounts/{other}/crm", new { url = "https://crm.example/lookup", secret = Secret }), HttpStatusCode.NotFound);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync(path, new { url = "http://crm.example/lookup", secret = Secret }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync(path, new { url = "ftp://crm.example/lookup", secret = Secret }), HttpStatusCode.BadRequest);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync(path, new { url = "https://crm.example/lookup", secret = Secret, timeoutMs = 60_000 }), HttpStatusCode.BadRequest);
        await Expect.StatusAsync(await admin.DeleteAsync(path), HttpStatusCode.NoContent);
        await Expect.ProblemAsync(await admin.PutAsJsonAsync(path, new { url = "https://crm.example/lookup" }), HttpStatusCode.BadRequest);

        await Expect.StatusAsync(await admin.PutAsJsonAsync(path, new { url = "https://crm.example/lookup", secret = Secret }), HttpStatusCode.OK);
        var view = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(("https://crm.example/lookup", true), (view.GetProperty("url").GetString(), view.GetProperty("hasSecret").GetBoolean()));
    }

    [Fact]
    public async Task The_demo_account_looks_its_customers_up_in_the_demo_crm_which_checks_the_signature()
    {
        await using var app = new ParleyApplication();
        app.StartKestrel();
        var account = await app.DbAsync(db => db.Accounts.Where(a => a.Name == "La Posta").Select(a => a.Id).FirstAsync());
        var giulia = await ContactAsync(app, account, "Giulia Rossi", "giulia@example.com");
        // The demo's budget, raised to the most for a machine busy with other tests (the first call also warms the server up).
        await app.DbAsync(async db =>
        {
            var stored = await db.Accounts.FirstAsync(a => a.Id == account);
            stored.CrmJson = (CrmSettings.Parse(stored.CrmJson)! with { TimeoutMs = CrmSettings.MaxTimeoutMs }).ToJson();
            return await db.SaveChangesAsync();
        });

        var record = await app.Service<CrmLookup>().LookupAsync(await app.AdvisorAsync("luca@parley.local"), giulia, CancellationToken.None);

        Assert.Equal(CrmStatus.Found, record!.Status);
        Assert.StartsWith("Giulia Rossi · customer file LP-", record.Title, StringComparison.Ordinal);
        Assert.Contains(record.Fields!, f => f.Label == "Segment");
        var unsigned = await new HttpClient { BaseAddress = app.KestrelAddress }.PostAsJsonAsync(Parley.Demo.DemoCrm.Path, new { contact = new { id = giulia } });
        await Expect.ProblemAsync(unsigned, HttpStatusCode.Unauthorized);
    }

    /// <summary>The stand-in's own check of Parley's signature: t={unix},v1=hex(HMAC-SHA256(secret, "{t}.{body}")).</summary>
    private static bool Signed(RecordedRequest request)
    {
        var header = request.Headers.GetValueOrDefault(CrmLookup.SignatureHeader) ?? request.Headers.GetValueOrDefault(CrmLookup.SignatureHeader.ToLowerInvariant());
        var parts = header?.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        if (parts is null || !parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1))
        {
            return false;
        }

        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{request.Body}")));
        return mac == v1;
    }

    private static Task<long> ContactAsync(ParleyApplication app, long accountId, string name, string email) => app.DbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var contact = new Contact { AccountId = accountId, Name = name, Email = email, CreatedAt = now };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        var inbox = await db.Inboxes.Where(i => i.AccountId == accountId && i.Channel == Parley.Channels.ChannelKind.Messenger).Select(i => i.Id).FirstAsync();
        db.ContactIdentities.Add(new ContactIdentity { ContactId = contact.Id, InboxId = inbox, ExternalId = "psid-" + name.Split(' ')[0].ToLowerInvariant(), CreatedAt = now });
        await db.SaveChangesAsync();
        return contact.Id;
    });

    private static Task<AdvisorSession> OutsiderAsync(ParleyApplication app) => app.DbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var account = new Account { Name = "Banca", CreatedAt = now };
        db.Accounts.Add(account);
        var advisor = new Advisor { Email = "outsider@banca.example", DisplayName = "Outsider", PasswordHash = "x", Role = AdvisorRole.Admin, PresenceChangedAt = now, CreatedAt = now };
        db.Advisors.Add(advisor);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = advisor.Id, AccountId = account.Id });
        await db.SaveChangesAsync();
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, new HashSet<long> { account.Id });
    });
}
