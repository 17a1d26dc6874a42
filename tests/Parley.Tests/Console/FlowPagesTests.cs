using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Parley.Demo;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>The console's flow pages, as the server prerenders them: only channel managers and admins of the account get them.</summary>
public sealed class FlowPagesTests
{
    private const string Refusal = "Only channel managers and admins edit the bot";

    [Fact]
    public async Task A_channel_manager_gets_the_flows_of_the_account_and_others_are_refused()
    {
        await using var app = new ParleyApplication { Settings = { ["Demo:Flow"] = "true" } };
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        var advisor = await ConsoleLogin.SignedInAsync(app, "marie@parley.local");
        var supervisor = await ConsoleLogin.SignedInAsync(app, "supervisor@parley.local");
        var outsider = await OtherBrandManagerAsync(app);

        var page = await manager.GetStringAsync("/console/flows");
        Assert.Contains(DemoFlow.Name, page, StringComparison.Ordinal);
        Assert.Contains("account default", page, StringComparison.Ordinal);
        Assert.Contains("id=\"nav-flows\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Refusal, page, StringComparison.Ordinal);

        foreach (var refused in new[] { advisor, supervisor })
        {
            var response = await refused.GetAsync("/console/flows");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains(Refusal, html, StringComparison.Ordinal);
            Assert.DoesNotContain(DemoFlow.Name, html, StringComparison.Ordinal);
        }

        // Another brand's channel manager has the page, without this brand's flow.
        var theirs = await outsider.GetStringAsync("/console/flows");
        Assert.DoesNotContain(Refusal, theirs, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoFlow.Name, theirs, StringComparison.Ordinal);

        using var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signedOut = await anonymous.GetAsync("/console/flows");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/login", signedOut.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    private static async Task<HttpClient> OtherBrandManagerAsync(ParleyApplication app)
    {
        await app.DbAsync(async db =>
        {
            var brand = new Parley.Accounts.Account { Name = "PosteMobile", CreatedAt = DateTime.UtcNow };
            db.Accounts.Add(brand);
            var chiara = await db.Advisors.SingleAsync(a => a.Email == "chiara@parley.local");
            var other = new Advisor
            {
                Email = "other@parley.local", DisplayName = "Other brand", PasswordHash = chiara.PasswordHash, Role = AdvisorRole.ChannelManager,
                Capacity = 1, CreatedAt = DateTime.UtcNow,
            };
            db.Advisors.Add(other);
            await db.SaveChangesAsync();
            db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = other.Id, AccountId = brand.Id });
            return await db.SaveChangesAsync();
        });
        return await ConsoleLogin.SignedInAsync(app, "other@parley.local");
    }
}
