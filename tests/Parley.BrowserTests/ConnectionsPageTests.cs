using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>The admins' connections page: what to paste into the platform, the bot's topics on each channel, adding one.</summary>
public sealed class ConnectionsPageTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task An_admin_sees_what_to_paste_into_each_platform_and_adds_a_page()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await HybridConversationTests.SignInAsync(page, "admin@parley.local");

        await page.Locator("#nav-connections").ClickAsync();
        var rows = page.Locator("#connections tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4, new() { Timeout = Timeout });
        var whatsApp = rows.Filter(new() { HasText = "WhatsApp" });
        await Assertions.Expect(whatsApp.Locator(".webhook-url")).ToHaveTextAsync($"{server.BaseUrl}/webhooks/whatsapp");
        await Assertions.Expect(whatsApp.Locator(".topics-preview")).ToHaveTextAsync("Bot topics: Interactive list (3 rows)");
        await Assertions.Expect(rows.Filter(new() { HasText = "Messenger" }).Locator(".topics-preview")).ToHaveTextAsync("Bot topics: Quick replies (3)");
        await Assertions.Expect(rows.Filter(new() { HasText = "X" }).Locator(".topics-warning")).ToContainTextAsync("numbered list");

        await page.Locator("#add-connection").ClickAsync();
        await page.Locator("#c-name").FillAsync("La Posta Banca");
        await page.Locator("#c-external").FillAsync("987654321");
        await page.Locator("#save-connection").ClickAsync();
        await Assertions.Expect(page.Locator("#connection-problem")).ToContainTextAsync("access token");

        await page.Locator("#c-token").FillAsync("EAAG-page-token");
        await page.Locator("#c-secret").FillAsync("meta-app-secret");
        await page.Locator("#save-connection").ClickAsync();
        var added = rows.Filter(new() { HasText = "La Posta Banca" });
        await Assertions.Expect(added).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(added.Locator(".verify-token")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("EAAG-page-token");

        // An advisor has no such page.
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var advisor = await advisorContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(advisor, "marie@parley.local");
        await Assertions.Expect(advisor.Locator("#nav-connections")).ToHaveCountAsync(0);
        await advisor.GotoAsync("/console/connections");
        await Assertions.Expect(advisor.Locator("body")).ToContainTextAsync("Only admins manage connections", new() { Timeout = Timeout });
    }
}
