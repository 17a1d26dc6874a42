using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>An advisor attaches an image in the console's composer; the customer's widget shows it.</summary>
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
        await marie.Locator("#reply-attach").SetInputFilesAsync(new FilePayload { Name = "label.png", MimeType = "image/png", Buffer = Pixel });

        await Assertions.Expect(marie.Locator("#conversation-view .msg-attachment", new() { HasText = "label.png" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        var thumb = customer.Locator("img.parley-thumb[alt='label.png']");
        await Assertions.Expect(thumb).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(thumb).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"), new() { Timeout = Timeout });
        Assert.True(await thumb.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 1"), "the widget loaded the image the advisor sent");
    }
}
