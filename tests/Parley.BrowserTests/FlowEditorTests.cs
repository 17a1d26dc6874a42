using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// The channel manager's flow editor in a real browser: the greeting changed in the step form, an example phrase added,
/// the change tried in the preview, published to customers at once, then rolled back.
/// </summary>
public sealed class FlowEditorTests
{
    private const float Timeout = 15_000;
    private const string NewGreeting = "Ciao! This is the new La Posta assistant.";
    private const string OldGreeting = "I'm the La Posta virtual assistant";

    [ChromiumFact]
    public async Task A_channel_manager_edits_previews_publishes_and_rolls_back_the_greeting()
    {
        await using var server = new ParleyServer(new Dictionary<string, string?> { ["Demo:Flow"] = "true" });
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var managerContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await managerContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(page, "chiara@parley.local");

        await page.Locator("#nav-flows").ClickAsync();
        await page.Locator(".flow-link", new() { HasText = "La Posta assistant" }).ClickAsync(new() { Timeout = Timeout });
        await page.Locator("#flow-graph [data-step='welcome']").ClickAsync(new() { Timeout = Timeout });
        await page.Locator("#step-text").FillAsync(NewGreeting);
        await page.Locator("#step-text").BlurAsync();
        await Assertions.Expect(page.Locator("#unsaved")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#flow-graph [data-step='welcome']")).ToContainTextAsync("Ciao! This is the new", new() { Timeout = Timeout });

        await page.Locator("#tab-intents").ClickAsync();
        var phrases = page.Locator("#intent-track_parcel-en");
        await phrases.FillAsync(await phrases.InputValueAsync() + "\nwhere has my little box gone");
        await page.Locator("#save-draft").ClickAsync();
        await Assertions.Expect(page.Locator("#flow-status")).ToContainTextAsync("Draft saved", new() { Timeout = Timeout });

        await page.Locator("#preview-restart").ClickAsync();
        var preview = page.Locator("#preview-messages");
        await Assertions.Expect(preview).ToContainTextAsync(NewGreeting, new() { Timeout = Timeout });
        await page.Locator(".preview-option", new() { HasText = "Parcels" }).ClickAsync();
        await Assertions.Expect(preview).ToContainTextAsync("What is the parcel number?", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#preview-outcome")).ToContainTextAsync("Waiting for the customer at ask_parcel");

        // The new example phrase is understood at once in the preview (the draft's intents are trained for it).
        await page.Locator("#preview-restart").ClickAsync();
        await Assertions.Expect(preview).ToContainTextAsync(NewGreeting, new() { Timeout = Timeout });
        await page.Locator("#preview-input").FillAsync("where has my little box gone");
        await page.Locator("#preview-send").ClickAsync();
        await Assertions.Expect(page.Locator("#preview-insight")).ToContainTextAsync("track_parcel", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#preview-outcome")).ToContainTextAsync("Waiting for the customer at ask_parcel");

        await page.Locator("#tab-yaml").ClickAsync();
        await Assertions.Expect(page.Locator("#yaml-text")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("- where has my little box gone"));

        await page.Locator("#publish-note").FillAsync("A warmer greeting");
        await page.Locator("#publish").ClickAsync();
        await Assertions.Expect(page.Locator("#flow-status")).ToContainTextAsync("Published version 2", new() { Timeout = Timeout });
        await ExpectGreetingAsync(browser, server, NewGreeting, trackParcel: true);

        await page.Locator("#tab-history").ClickAsync();
        await Assertions.Expect(page.Locator("#versions tr[data-version='2'] .current")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await page.Locator("#versions tr[data-version='1'] .rollback").ClickAsync();
        await page.Locator("#versions tr[data-version='1'] .confirm-rollback").ClickAsync();
        await Assertions.Expect(page.Locator("#versions tr[data-version='3'] .current")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#versions tr[data-version='3']")).ToContainTextAsync("Rollback to version 1");
        await ExpectGreetingAsync(browser, server, OldGreeting);

        // An advisor has no link to the flows, and the page refuses them.
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var advisor = await advisorContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(advisor, "marie@parley.local");
        await Assertions.Expect(advisor.Locator("#nav-flows")).ToHaveCountAsync(0);
        await advisor.GotoAsync("/console/flows");
        await Assertions.Expect(advisor.Locator("#flows-refused")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(advisor.Locator("body")).Not.ToContainTextAsync("La Posta assistant");
    }

    /// <summary>A new customer on the demo site, in a browser of their own, is greeted so (and tracks a parcel by its number).</summary>
    private static async Task ExpectGreetingAsync(Browser browser, ParleyServer server, string greeting, bool trackParcel = false)
    {
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await customer.GotoAsync("/demo");
        await customer.Locator("#parley-launcher").ClickAsync();
        await Assertions.Expect(customer.Locator(".parley-msg-bot").First).ToContainTextAsync(greeting, new() { Timeout = Timeout });
        if (!trackParcel)
        {
            return;
        }

        await customer.Locator("#parley-input").FillAsync("where has my little box gone");
        await customer.Locator("#parley-send").ClickAsync();
        await Assertions.Expect(customer.Locator(".parley-msg-bot").Last).ToContainTextAsync("What is the parcel number?", new() { Timeout = Timeout });
        await customer.Locator("#parley-input").FillAsync("RR423456783IT");
        await customer.Locator("#parley-send").ClickAsync();
        await Assertions.Expect(customer.Locator(".parley-msg-bot", new() { HasText = "Parcel RR423456783IT: Waiting at a pick-up point" }))
            .ToBeVisibleAsync(new() { Timeout = Timeout });
    }
}
