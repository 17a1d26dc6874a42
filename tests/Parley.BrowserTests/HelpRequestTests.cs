using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>
/// An advisor asks for help on a conversation; the supervisor, in another browser, sees the badge count it without a
/// reload, opens it and answers privately; the advisor sees the answer and closes the request, which leaves its trace.
/// </summary>
public sealed class HelpRequestTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task An_advisor_asks_for_help_and_the_supervisor_answers_live()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await HybridConversationTests.GoOnlineAsync(marie);
        await using var office = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await office.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");
        var count = sam.Locator("#help-count");
        await Assertions.Expect(count).ToHaveTextAsync("0", new() { Timeout = Timeout });

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);
        await marie.Locator(".conv-row").First.ClickAsync(new() { Timeout = Timeout });

        // The advisor asks; the supervisor's badge counts it, live.
        await marie.Locator("#help-ask").ClickAsync(new() { Timeout = Timeout });
        await marie.Locator("#help-note").FillAsync("She wants a refund over my limit");
        await marie.Locator("#help-send").ClickAsync();
        await Assertions.Expect(marie.Locator("#help-own")).ToContainTextAsync("waiting", new() { Timeout = Timeout });
        await Assertions.Expect(count).ToHaveTextAsync("1", new() { Timeout = Timeout });

        // The supervisor, on a list of her own (every status), opens it from the badge's list and answers privately. The
        // conversation opens in the same page: the list keeps its query, and nothing reloads (a mark left on the page stays).
        await sam.GotoAsync("/console?status=all");
        await Assertions.Expect(count).ToHaveTextAsync("1", new() { Timeout = Timeout });
        await sam.EvaluateAsync("() => { window.parleyNotReloaded = true; }");
        await sam.Locator("#help-toggle").ClickAsync();
        await sam.Locator("#help-list .help-open", new() { HasText = "refund over my limit" }).ClickAsync();
        await Assertions.Expect(sam).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/console/\d+\?status=all$"), new() { Timeout = Timeout });
        Assert.True(await sam.EvaluateAsync<bool>("() => window.parleyNotReloaded === true"), "opening the help request reloaded the page");
        var request = sam.Locator("#conversation-view .help-request");
        await Assertions.Expect(request).ToContainTextAsync("Marie asks for help", new() { Timeout = 2 * Timeout });
        await request.Locator(".help-text").FillAsync("Approved up to 50 EUR.");
        await request.Locator(".help-answer").ClickAsync();
        await Assertions.Expect(count).ToHaveTextAsync("0", new() { Timeout = Timeout });

        // The advisor sees the answer (a note naming her) and the request's new state; she closes it, leaving the trace.
        var notes = marie.Locator("#conversation-view .note .note-text");
        await Assertions.Expect(notes.Filter(new() { HasText = "@Marie Approved up to 50 EUR." })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#help-own")).ToContainTextAsync("answered by Sam (supervisor)", new() { Timeout = Timeout });
        await marie.Locator("#help-close-own").ClickAsync();
        var trace = "Help requested by Marie: She wants a refund over my limit — answered by Sam (supervisor); closed by Marie.";
        await Assertions.Expect(notes.Filter(new() { HasText = trace })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#conversation-view .note .note-text", new() { HasText = trace })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(sam.Locator("#conversation-view .help-request")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg", new() { HasText = "refund" })).ToHaveCountAsync(0);
        await Assertions.Expect(customer.Locator(".parley-msg", new() { HasText = "50 EUR" })).ToHaveCountAsync(0);
    }
}
