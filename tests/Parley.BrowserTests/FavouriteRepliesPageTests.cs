using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>The favourite replies page: an advisor keeps personal replies; a supervisor shares one with the account.</summary>
public sealed class FavouriteRepliesPageTests
{
    private const float Timeout = 20_000;

    [ChromiumFact]
    public async Task An_advisor_manages_personal_replies_and_sees_the_account_s_shared_ones_read_only()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        // The supervisor shares a reply with the whole account.
        await using var office = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var sam = await office.NewPageAsync();
        await HybridConversationTests.SignInAsync(sam, "supervisor@parley.local");
        await sam.GotoAsync("/console/replies");
        await sam.Locator("#reply-scope").SelectOptionAsync("Account", new() { Timeout = Timeout });
        await sam.Locator("#reply-shortcut").FillAsync("hours");
        await sam.Locator("#reply-title").FillAsync("Opening hours");
        await sam.Locator("#reply-body").FillAsync("We answer from 8 am to 8 pm, {{ contact.first_name }}.");
        await sam.Locator("#reply-save").ClickAsync();
        await Assertions.Expect(sam.Locator("#reply-table tr[data-shortcut=\"hours\"]")).ToContainTextAsync("Account La Posta", new() { Timeout = Timeout });

        // Marie may only keep replies for herself; she sees the shared one without Edit.
        await using var desk = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await desk.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");
        await marie.Locator("#nav-replies").ClickAsync();
        await Assertions.Expect(marie.Locator("#reply-scope option")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var shared = marie.Locator("#reply-table tr[data-shortcut=\"hours\"]");
        await Assertions.Expect(shared).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(shared.Locator(".reply-edit")).ToHaveCountAsync(0);

        await marie.Locator("#reply-shortcut").FillAsync("thanks");
        await marie.Locator("#reply-title").FillAsync("Thanks");
        await marie.Locator("#reply-body").FillAsync("<b>Thank you</b> for your patience.");
        await marie.Locator("#reply-save").ClickAsync();
        var mine = marie.Locator("#reply-table tr[data-shortcut=\"thanks\"]");
        await Assertions.Expect(mine.Locator(".reply-text")).ToHaveTextAsync("<b>Thank you</b> for your patience.", new() { Timeout = Timeout });
        await Assertions.Expect(mine).ToContainTextAsync("Only me");

        // A shortcut with a space is refused in words; nothing is lost.
        await marie.Locator("#reply-shortcut").FillAsync("two words");
        await marie.Locator("#reply-title").FillAsync("Bad");
        await marie.Locator("#reply-body").FillAsync("x");
        await marie.Locator("#reply-save").ClickAsync();
        await Assertions.Expect(marie.Locator("#reply-problem")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(mine).ToBeVisibleAsync();

        // Edit, then delete.
        await mine.Locator(".reply-edit").ClickAsync();
        // The form shows the reply being edited once the server has answered the click.
        await Assertions.Expect(marie.Locator("#reply-form h2")).ToHaveTextAsync("Edit /thanks", new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#reply-body")).ToHaveValueAsync("<b>Thank you</b> for your patience.", new() { Timeout = Timeout });
        await marie.Locator("#reply-body").FillAsync("Thank you for your patience, {{ contact.first_name }}.");
        await marie.Locator("#reply-save").ClickAsync();
        await Assertions.Expect(mine.Locator(".reply-text")).ToHaveTextAsync("Thank you for your patience, {{ contact.first_name }}.", new() { Timeout = Timeout });
        await marie.ReloadAsync();
        await Assertions.Expect(mine.Locator(".reply-text")).ToHaveTextAsync("Thank you for your patience, {{ contact.first_name }}.", new() { Timeout = Timeout });
        await mine.Locator(".reply-delete").ClickAsync();
        await Assertions.Expect(mine).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(shared).ToBeVisibleAsync();
    }
}
