using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Data;

namespace Parley.BrowserTests;

/// <summary>A supervisor watches the queues live in one browser context and reassigns a waiting conversation to an advisor in another.</summary>
public sealed class SupervisionTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task A_supervisor_sees_a_queue_grow_live_and_reassigns_the_conversation_to_an_advisor()
    {
        // No periodic recompute within the test: only the event hub can bring the new figures.
        await using var server = new ParleyServer(new Dictionary<string, string?> { ["Supervision:WaitsEvery"] = "01:00:00" });
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var marieId = await AdvisorIdAsync(server, "marie@parley.local");

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");
        await sam.Locator("#nav-supervision").ClickAsync();
        var parcels = sam.Locator("#supervision-queues tbody tr", new() { HasText = "Parcels" });
        await Assertions.Expect(parcels.Locator(".waiting")).ToHaveTextAsync("0", new() { Timeout = 2 * Timeout });

        // Marie is signed in but not online: routing leaves the customer waiting in the Parcels queue.
        await using var otherDesk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await otherDesk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await marie.Locator("#filter-mine").CheckAsync();
        await Assertions.Expect(marie.Locator(".conv-row")).ToHaveCountAsync(0, new() { Timeout = Timeout });

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);

        // The figure changes on the supervisor's page without a reload, and the wait starts counting.
        await Assertions.Expect(parcels.Locator(".waiting")).ToHaveTextAsync("1", new() { Timeout = Timeout });
        Assert.Equal(1, await sam.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));

        await parcels.Locator(".queue-open").ClickAsync();
        var row = sam.Locator("#supervision-conversations .queue-conversation");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await row.Locator(".reassign-target").SelectOptionAsync($"advisor:{marieId}");
        await row.Locator(".reassign").ClickAsync();

        await Assertions.Expect(parcels.Locator(".waiting")).ToHaveTextAsync("0", new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator(".status")).ToContainTextAsync("Marie", new() { Timeout = Timeout });
        var marieRow = sam.Locator("#supervision-advisors tbody tr", new() { HasText = "Marie" });
        await Assertions.Expect(marieRow.Locator(".open")).ToHaveTextAsync("1", new() { Timeout = Timeout });

        // Marie's console shows it among hers, live, and she can answer.
        await Assertions.Expect(marie.Locator(".conv-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await marie.Locator(".conv-row").First.ClickAsync();
        await Assertions.Expect(marie.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
    }

    [ChromiumFact]
    public async Task An_advisor_is_told_the_supervision_view_is_not_theirs()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var luca = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(luca, "luca@parley.local");
        await Assertions.Expect(luca.Locator("#nav-supervision")).ToHaveCountAsync(0);

        await luca.GotoAsync("/console/supervision");

        await Assertions.Expect(luca.Locator("#supervision-refused")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(luca.Locator("#supervision-queues")).ToHaveCountAsync(0);
    }

    private static async Task<long> AdvisorIdAsync(ParleyServer server, string email)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        return await db.Advisors.Where(a => a.Email == email).Select(a => a.Id).FirstAsync();
    }
}
