using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>An advisor who took a conversation over hands it back to the bot at a step, and the customer meets the bot there.</summary>
public sealed class HandBackTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task An_advisor_hands_a_conversation_back_to_the_bot_at_the_parcel_question()
    {
        await using var server = new ParleyServer(new Dictionary<string, string?> { ["Demo:Flow"] = "true" });
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var console = await advisorContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(console, "marie@parley.local");

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await customer.GotoAsync("/demo");
        await customer.Locator("#parley-launcher").ClickAsync();
        await customer.Locator("#parley-input").FillAsync("je veux parler à un conseiller");
        await customer.Locator("#parley-send").ClickAsync();

        var row = console.Locator(".conv-row").First;
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await row.ClickAsync();
        await console.Locator("#take-over").ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-status")).ToContainTextAsync("Assigned", new() { Timeout = Timeout });

        await console.Locator("#hand-back-step").SelectOptionAsync("ask_parcel");
        await console.Locator("#hand-back").ClickAsync();

        await Assertions.Expect(customer.Locator(".parley-msg-bot").Last).ToContainTextAsync("What is the parcel number?", new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#conversation-status")).ToContainTextAsync("bot", new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#hand-back")).ToHaveCountAsync(0);
    }
}
