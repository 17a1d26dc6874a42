using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// Issue 9's scenario in a real browser, through the demo's simulator: customers write on Messenger and on WhatsApp,
/// get the bot's topics as quick replies and as an interactive list, pick one, and an advisor's signed reply from the
/// console arrives on the platform. The simulator posts real signed webhooks and receives Parley's real API calls.
/// </summary>
public sealed class SocialChannelsTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task Messenger_quick_replies_and_a_whatsapp_list_reach_an_advisor_whose_reply_arrives_signed()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // Sofia (Bank and Mobile queues) is online in the console.
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var console = await advisorContext.NewPageAsync();
        await HybridConversationTests.SignInAsync(console, "sofia@parley.local");
        await HybridConversationTests.GoOnlineAsync(console);

        await using var customerContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var simulator = await customerContext.NewPageAsync();
        await simulator.GotoAsync("/simulator");

        // Messenger: the greeting comes with the topics as quick replies; the customer taps one.
        await StartChatAsync(simulator, "messenger", "Giulia", "Ciao, ho un problema con la carta");
        var chips = simulator.Locator(".msg.brand .chips button");
        await Assertions.Expect(chips.Filter(new() { HasText = "Bank" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(chips).ToHaveCountAsync(3);
        await chips.Filter(new() { HasText = "Bank" }).ClickAsync();
        await Assertions.Expect(simulator.Locator(".msg.customer .bubble", new() { HasText = "Bank" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        await ReplyFromConsoleAsync(console, "Giulia", "Bank", "Your new card is on its way, Giulia.");
        var reply = simulator.Locator(".msg.brand .bubble", new() { HasText = "Your new card is on its way" });
        await Assertions.Expect(reply).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(reply).ToContainTextAsync("— Sofia");

        // WhatsApp: the topics come as an interactive list; the customer opens it and picks a row.
        await StartChatAsync(simulator, "whatsapp", "Marco", "Buongiorno");
        var list = simulator.Locator(".msg.brand .buttons button", new() { HasText = "☰" });
        await Assertions.Expect(list).ToBeVisibleAsync(new() { Timeout = Timeout });
        await list.ClickAsync();
        await simulator.Locator("#sheet-rows button", new() { HasText = "Mobile" }).ClickAsync();
        await Assertions.Expect(simulator.Locator(".msg.customer .bubble", new() { HasText = "Mobile" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        await ReplyFromConsoleAsync(console, "Marco", "Mobile", "Your SIM is active again, Marco.");
        var whatsAppReply = simulator.Locator(".msg.brand .bubble", new() { HasText = "Your SIM is active again" });
        await Assertions.Expect(whatsAppReply).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(whatsAppReply).ToContainTextAsync("— Sofia");
    }

    internal static async Task StartChatAsync(IPage simulator, string network, string name, string text)
    {
        await simulator.Locator($".net[data-network=\"{network}\"]").ClickAsync();
        await simulator.Locator("#new-customer input[name=name]").FillAsync(name);
        await simulator.Locator("#new-customer button[type=submit]").ClickAsync();
        await simulator.Locator("#text").FillAsync(text);
        await simulator.Locator("#text").PressAsync("Enter");
        await Assertions.Expect(simulator.Locator(".msg.customer .bubble", new() { HasText = text })).ToBeVisibleAsync(new() { Timeout = Timeout });
    }

    /// <summary>The picked topic's queue gave the conversation to the advisor: it shows in the console, where they reply.</summary>
    private static async Task ReplyFromConsoleAsync(IPage console, string customer, string topic, string text)
    {
        var row = console.Locator(".conv-row", new() { HasText = customer });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(console.Locator("#conversation-view .msg-customer", new() { HasText = topic })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(console.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await console.Locator("#reply-input").FillAsync(text);
        await console.Locator("#reply-send").ClickAsync();
        await Assertions.Expect(console.Locator("#conversation-view .msg-advisor", new() { HasText = text })).ToBeVisibleAsync(new() { Timeout = Timeout });
    }
}
