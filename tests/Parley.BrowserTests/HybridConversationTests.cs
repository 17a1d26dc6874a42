using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// The foundation scenario in a real browser: a signed-in customer picks a topic on /demo, an advisor sees
/// the conversation appear live and replies, the customer sees the signed reply live, after a reload, and
/// on a second device.
/// </summary>
public sealed class HybridConversationTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task Customer_and_advisor_talk_live_and_history_follows_the_customer_across_devices()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // The advisor signs in and goes online.
        await using var advisorContext = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var console = await advisorContext.NewPageAsync();
        await SignInAsync(console, "marie@parley.local");
        await GoOnlineAsync(console);

        // The customer (signed in on the brand's site as Alice) opens the widget and picks a topic.
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        var streams = new System.Collections.Concurrent.ConcurrentQueue<string>();
        customer.Response += (_, r) =>
        {
            if (r.Url.Contains("/api/widget/v1/events?", StringComparison.Ordinal))
            {
                streams.Enqueue($"{r.Status} {r.Url}");
            }
        };
        await AliceAsksAboutParcelsAsync(customer);
        await Assertions.Expect(customer.Locator(".parley-msg-customer", new() { HasText = "Parcels" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The conversation appears in the console without a reload; the advisor opens it and replies.
        var row = console.Locator(".conv-row").First;
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(console.Locator("#conversation-view .msg-customer", new() { HasText = "Parcels" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await console.Locator("#reply-input").FillAsync("Hello Alice, I'm looking at your parcel now.");
        await console.Locator("#reply-send").ClickAsync();

        // The customer sees the reply live, signed with the advisor's name.
        var reply = customer.Locator(".parley-msg-advisor", new() { HasText = "looking at your parcel" });
        await Assertions.Expect(reply).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(reply.Locator(".parley-signature")).ToContainTextAsync("Marie");

        // What Parley read in the customer's words is beside them in the console (never in the customer's widget).
        await customer.Locator("#parley-input").FillAsync("This is unacceptable, my parcel is lost and nobody answers!");
        await customer.Locator("#parley-send").ClickAsync();
        var angry = console.Locator("#conversation-view .msg-customer", new() { HasText = "nobody answers" });
        await Assertions.Expect(angry.Locator(".msg-reading.msg-tone-negative")).ToContainTextAsync("en · negative", new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg-customer", new() { HasText = "nobody answers" })).Not.ToContainTextAsync("negative");

        // Live means the event stream, opened with a short-lived ticket: the session token never goes into a URL.
        Assert.Contains(streams, s => s.StartsWith("200 ", StringComparison.Ordinal) && s.Contains("/events?ticket=", StringComparison.Ordinal));
        Assert.DoesNotContain(streams, s => s.Contains("access_token", StringComparison.Ordinal));

        // After a reload the whole history is still there.
        await customer.ReloadAsync();
        await customer.Locator("#parley-launcher").ClickAsync();
        await ExpectHistoryAsync(customer);

        // The same signed-in customer on another device sees the same conversation.
        await using var laptop = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var second = await laptop.NewPageAsync();
        await second.GotoAsync("/demo?user=alice");
        await second.Locator("#parley-launcher").ClickAsync();
        await ExpectHistoryAsync(second);
    }

    private static async Task ExpectHistoryAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".parley-msg-bot").First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator(".parley-msg-customer", new() { HasText = "Parcels" })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var reply = page.Locator(".parley-msg-advisor", new() { HasText = "looking at your parcel" });
        await Assertions.Expect(reply).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(reply.Locator(".parley-signature")).ToContainTextAsync("Marie");
    }

    internal static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/console");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync("browser-test");
        await page.Locator("#sign-in").ClickAsync();
        // Waits for what the console shows, never for a load event: on a loaded CI machine the console's load event came
        // after 15 s although the page was there, and WaitForURL waits for that event once the address already matches.
        await Assertions.Expect(page.Locator("#presence-toggle")).ToBeVisibleAsync(new() { Timeout = 2 * Timeout });
        Assert.EndsWith("/console", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    /// <summary>Alice, signed in on the demo site, opens the widget and picks the Parcels topic (the bot hands her over).</summary>
    internal static async Task AliceAsksAboutParcelsAsync(IPage customer)
    {
        await customer.GotoAsync("/demo?user=alice");
        await customer.Locator("#parley-launcher").ClickAsync();
        await customer.Locator(".parley-option", new() { HasText = "Parcels" }).ClickAsync(new() { Timeout = Timeout });
    }

    internal static async Task GoOnlineAsync(IPage page)
    {
        var toggle = page.Locator("#presence-toggle");
        await Assertions.Expect(toggle).ToBeVisibleAsync(new() { Timeout = Timeout });
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToContainTextAsync("Online", new() { Timeout = Timeout });
    }
}
