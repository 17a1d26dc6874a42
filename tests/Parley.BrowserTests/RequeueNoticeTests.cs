using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>An advisor who stays away longer than Routing:RequeueAfter is told, in the open console, that their conversations went back to the queue.</summary>
public sealed class RequeueNoticeTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task An_advisor_away_too_long_is_told_their_conversation_went_back_to_the_queue()
    {
        await using var server = new ParleyServer(new Dictionary<string, string?>
        {
            ["Routing:RequeueAfter"] = "00:00:02",
            ["Routing:SweepEvery"] = "00:00:01",
        });
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
        await Assertions.Expect(marie.Locator("#requeue-notice")).ToHaveCountAsync(0);

        var toggle = marie.Locator("#presence-toggle");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).Not.ToContainTextAsync("Online", new() { Timeout = Timeout });

        var notice = marie.Locator("#requeue-notice");
        await Assertions.Expect(notice).ToContainTextAsync("One of your conversations went back to the queue", new() { Timeout = Timeout });
        await marie.Locator("#requeue-dismiss").ClickAsync();
        await Assertions.Expect(notice).ToHaveCountAsync(0);
    }
}
