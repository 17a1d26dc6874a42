using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>The widget renews its short-lived session token silently, and a guest comes back with its refresh token.</summary>
public sealed class WidgetSessionTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task The_widget_refreshes_an_expiring_session_silently_and_a_returning_guest_finds_its_conversation()
    {
        await using var server = new ParleyServer(new Dictionary<string, string?> { ["WebMessaging:Sessions:TokenLifetime"] = "00:00:03" });
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var context = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        var calls = new ConcurrentQueue<string>();
        page.Response += (_, r) =>
        {
            if (r.Url.Contains("/api/widget/v1/sessions", StringComparison.Ordinal) || r.Status == 401)
            {
                calls.Enqueue($"{r.Status} {r.Request.Method} {new Uri(r.Url).AbsolutePath}");
            }
        };

        await page.GotoAsync("/demo");
        await page.Locator("#parley-launcher").ClickAsync();
        await page.Locator(".parley-option", new() { HasText = "Parcels" }).ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator(".parley-msg-customer", new() { HasText = "Parcels" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The session token lives 3 s: past it, the next message goes out on a renewed token, with no error shown.
        await page.WaitForTimeoutAsync(3500);
        await page.Locator("#parley-input").FillAsync("Is my parcel still on its way?");
        await page.Locator("#parley-send").ClickAsync();
        await Assertions.Expect(page.Locator(".parley-msg-customer", new() { HasText = "still on its way" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator(".parley-msg-customer.parley-pending")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#parley-error")).ToBeHiddenAsync();

        // A week later (well, after a reload past the token's life) the guest is back in the same conversation.
        await page.WaitForTimeoutAsync(3500);
        await page.ReloadAsync();
        await page.Locator("#parley-launcher").ClickAsync();
        await Assertions.Expect(page.Locator(".parley-msg-customer", new() { HasText = "still on its way" })).ToHaveCountAsync(1, new() { Timeout = Timeout });

        var log = string.Join(", ", calls);
        Assert.Equal(1, calls.Count(c => c == "200 POST /api/widget/v1/sessions"));
        Assert.True(calls.Count(c => c == "200 POST /api/widget/v1/sessions/refresh") >= 2, log);
        var stored = await page.EvaluateAsync<string>("() => Object.keys(localStorage).filter(k => k.startsWith('parley:')).map(k => localStorage.getItem(k)).join('\\n')");
        Assert.Contains("refreshToken", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("guestId", stored, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task A_supervisor_ends_a_customers_chat_sessions_from_the_console_after_confirming()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await customer.GotoAsync("/demo");
        await customer.Locator("#parley-launcher").ClickAsync();
        await customer.Locator(".parley-option", new() { HasText = "Parcels" }).ClickAsync(new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg-customer", new() { HasText = "Parcels" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var console = await desk.NewPageAsync();
        await console.GotoAsync("/console");
        await console.Locator("#email").FillAsync("supervisor@parley.local");
        await console.Locator("#password").FillAsync("browser-test");
        await console.Locator("#sign-in").ClickAsync();
        await console.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });

        // Nothing happens on the first click: the supervisor confirms, or cancels.
        await console.Locator("#end-sessions").ClickAsync(new() { Timeout = Timeout });
        await console.Locator("#end-sessions-cancel").ClickAsync();
        Assert.Equal(200, await StatusWithStoredTokenAsync(customer));
        await console.Locator("#end-sessions").ClickAsync();
        await console.Locator("#end-sessions-confirm").ClickAsync();
        await Assertions.Expect(console.Locator("#end-sessions-done")).ToBeVisibleAsync(new() { Timeout = Timeout });

        Assert.Equal(401, await StatusWithStoredTokenAsync(customer));
        Assert.Equal(401, await customer.EvaluateAsync<int>("""
            async () => {
              const stored = JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('parley:'))));
              const r = await fetch('/api/widget/v1/sessions/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ refreshToken: stored.refreshToken }) });
              return r.status;
            }
            """));
    }

    /// <summary>What the widget's stored session token gets now from GET /messages.</summary>
    private static Task<int> StatusWithStoredTokenAsync(IPage page) => page.EvaluateAsync<int>("""
        async () => {
          const stored = JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('parley:'))));
          const r = await fetch('/api/widget/v1/messages', { headers: { Authorization: 'Bearer ' + stored.token } });
          return r.status;
        }
        """);
}
