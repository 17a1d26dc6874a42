using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>The advisor console's own behaviour: composing, live signals, rights by role, filters, sign out.</summary>
public sealed class ConsoleTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task Advisor_composes_sees_live_signals_and_hands_over_to_a_supervisor()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var marie = await SignInAsync(browser, server, "marie@parley.local");
        await marie.Locator("#presence-toggle").ClickAsync();
        await Assertions.Expect(marie.Locator("#presence-toggle")).ToHaveAttributeAsync("data-presence", "online", new() { Timeout = Timeout });

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);

        // Shift+Enter is a new line, Enter sends; the customer's reading shows as a receipt.
        await marie.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });
        var input = marie.Locator("#reply-input");
        await Assertions.Expect(input).ToBeEnabledAsync(new() { Timeout = Timeout });
        await input.PressSequentiallyAsync("Line one");
        await input.PressAsync("Shift+Enter");
        await input.PressSequentiallyAsync("line two");
        await input.PressAsync("Enter");
        var sent = marie.Locator("#conversation-view .msg-advisor");
        await Assertions.Expect(sent.Locator(".msg-text")).ToHaveTextAsync("Line one\nline two", new() { Timeout = Timeout });
        await Assertions.Expect(sent.Locator(".signature")).ToHaveTextAsync("— Marie");
        await Assertions.Expect(input).ToHaveValueAsync("");
        await Assertions.Expect(sent.Locator(".read-receipt")).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The customer's typing shows live; their markup is shown as text, never interpreted.
        await customer.Locator("#parley-input").PressSequentiallyAsync("<b>bold</b> parcel 123", new() { Delay = 40 });
        await Assertions.Expect(marie.Locator("#customer-typing")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await customer.Locator("#parley-input").PressAsync("Enter");
        await Assertions.Expect(marie.Locator("#conversation-view .msg-customer", new() { HasText = "<b>bold</b> parcel 123" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#conversation-view .msg-customer b")).ToHaveCountAsync(0);

        // A customer's file arrives as a link the advisor can download (and only a signed-in advisor can).
        await customer.Locator("#parley-file").SetInputFilesAsync(new FilePayload
        {
            Name = "receipt.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4 receipt"u8.ToArray(),
        });
        var link = marie.Locator("#conversation-view .msg-customer a.msg-attachment", new() { HasText = "receipt.pdf" });
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = Timeout });
        var href = await link.GetAttributeAsync("href");
        var download = await marie.Context.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await download.BodyAsync()), StringComparison.Ordinal);
        var anonymous = await phone.APIRequest.GetAsync(href!, new() { MaxRedirects = 0 });
        Assert.NotEqual(200, anonymous.Status);

        // Another advisor sees the conversation but may not reply nor take it; a supervisor takes it over.
        var luca = await SignInAsync(browser, server, "luca@parley.local");
        await luca.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(luca.Locator("#reply-input")).ToBeDisabledAsync(new() { Timeout = Timeout });
        await Assertions.Expect(luca.Locator("#take-over")).ToHaveCountAsync(0);
        await luca.Locator("#filter-mine").CheckAsync();
        await Assertions.Expect(luca.Locator(".conv-row")).ToHaveCountAsync(0, new() { Timeout = Timeout });

        var sam = await SignInAsync(browser, server, "supervisor@parley.local");
        await sam.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });
        await sam.Locator("#take-over").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#reply-input")).ToBeDisabledAsync(new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg-system", new() { HasText = "Sam (supervisor) joined" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Resolved conversations leave the open list and appear under their status filter.
        await sam.Locator("#resolve").ClickAsync();
        await Assertions.Expect(sam.Locator("#conversation-status")).ToHaveTextAsync("Resolved", new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator(".conv-row")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await marie.Locator("#filter-status").SelectOptionAsync("Resolved");
        await Assertions.Expect(marie.Locator(".conv-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });

        // Signing out makes the advisor unavailable to routing.
        await marie.Locator("#sign-out").ClickAsync();
        await marie.WaitForURLAsync("**/login", new() { Timeout = Timeout });
        marie = await SignInAsync(browser, server, "marie@parley.local");
        await Assertions.Expect(marie.Locator("#presence-toggle")).ToHaveAttributeAsync("data-presence", "offline", new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#presence-toggle")).ToHaveTextAsync("Away");
    }

    [ChromiumFact]
    public async Task Wrong_password_is_refused_and_the_console_needs_a_sign_in()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        await page.WaitForURLAsync("**/login?*", new() { Timeout = Timeout });
        await page.Locator("#email").FillAsync("marie@parley.local");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.Locator(".error")).ToBeVisibleAsync(new() { Timeout = Timeout });
        var attachment = await context.APIRequest.GetAsync("/console/attachments/1", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, attachment.Status);
    }

    private static async Task<IPage> SignInAsync(Browser browser, ParleyServer server, string email)
    {
        var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync("browser-test");
        await page.Locator("#sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("#advisor-name")).ToBeVisibleAsync(new() { Timeout = Timeout });
        return page;
    }
}
