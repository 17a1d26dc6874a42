using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// An advisor attaches an image in the console's composer; the customer's widget shows it. The picker offers the types
/// the conversation's channel carries: every accepted type on the website, images only on X.
/// </summary>
public sealed class AdvisorAttachmentTests
{
    private const float Timeout = 15_000;

    /// <summary>A real 1×1 PNG, so the widget's thumbnail loads.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [ChromiumFact]
    public async Task An_image_attached_in_the_console_shows_in_the_customers_widget()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await HybridConversationTests.GoOnlineAsync(marie);
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);

        await marie.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#reply-attach-refused")).ToHaveCountAsync(0);
        await Assertions.Expect(marie.Locator("#reply-attach")).ToHaveAttributeAsync("accept", "image/png,image/jpeg,image/gif,image/webp,application/pdf");
        await marie.Locator("#reply-attach").SetInputFilesAsync(new FilePayload { Name = "label.png", MimeType = "image/png", Buffer = Pixel });

        await Assertions.Expect(marie.Locator("#conversation-view .msg-attachment", new() { HasText = "label.png" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        var thumb = customer.Locator("img.parley-thumb[alt='label.png']");
        await Assertions.Expect(thumb).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(thumb).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"), new() { Timeout = Timeout });
        Assert.True(await thumb.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 1"), "the widget loaded the image the advisor sent");
    }

    [ChromiumFact]
    public async Task On_x_the_attach_button_offers_images_only_with_xs_limits()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // Sofia (Bank and Mobile queues) is online; a customer writes on X through the simulator and picks Bank by its number.
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sofia = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(sofia, "sofia@parley.local");
        await HybridConversationTests.GoOnlineAsync(sofia);
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var simulator = await phone.NewPageAsync();
        await simulator.GotoAsync("/simulator");
        await SocialChannelsTests.StartChatAsync(simulator, "x", "Giulia", "Hello, my card is blocked");
        await Assertions.Expect(simulator.Locator(".msg.brand .bubble", new() { HasText = "2. Bank" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await simulator.Locator("#text").FillAsync("2");
        await simulator.Locator("#text").PressAsync("Enter");

        var row = sofia.Locator(".conv-row", new() { HasText = "Giulia" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(sofia.Locator("#reply-input")).ToBeEnabledAsync(new() { Timeout = Timeout });
        await Assertions.Expect(sofia.Locator("#reply-attach-refused")).ToHaveCountAsync(0);
        await Assertions.Expect(sofia.Locator("#reply-attach")).ToHaveAttributeAsync("accept", "image/png,image/jpeg,image/gif,image/webp");
        await Assertions.Expect(sofia.Locator("label.reply-attach-button")).ToHaveAttributeAsync("title", "Attach a file: PNG, JPEG, WebP up to 5 MB; GIF up to 10 MB");
    }
}
