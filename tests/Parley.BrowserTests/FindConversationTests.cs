using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>An advisor finds a conversation by a word of a message, and its link opens it again in a new page.</summary>
public sealed partial class FindConversationTests
{
    private const float Timeout = 15_000;

    [ChromiumFact]
    public async Task Advisor_finds_a_conversation_by_a_word_and_its_link_opens_it_in_a_new_page()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await HybridConversationTests.AliceAsksAboutParcelsAsync(customer);
        await customer.Locator("#parley-input").FillAsync("My tangerine parcel never came");
        await customer.Locator("#parley-input").PressAsync("Enter");

        await using var office = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var marie = await office.NewPageAsync();
        await HybridConversationTests.SignInAsync(marie, "marie@parley.local");

        await marie.Locator("#filter-search").FillAsync("tangerine");
        await marie.Locator("#filter-search").PressAsync("Enter");
        await Assertions.Expect(marie).ToHaveURLAsync(SearchUrl(), new() { Timeout = Timeout });
        var row = marie.Locator(".conv-row");
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator(".conv-snippet")).ToContainTextAsync("tangerine", new() { Timeout = Timeout });
        await row.ClickAsync();
        await Assertions.Expect(marie).ToHaveURLAsync(OpenUrl(), new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator("#conversation-view .msg-customer", new() { HasText = "tangerine parcel" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // The copied link, in a new page: the same search, the same conversation open.
        var link = marie.Url;
        var again = await office.NewPageAsync();
        await again.GotoAsync(link);
        await Assertions.Expect(again.Locator("#filter-search")).ToHaveValueAsync("tangerine", new() { Timeout = Timeout });
        await Assertions.Expect(again.Locator(".conv-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(again.Locator(".conv-row[aria-current=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(again.Locator("#conversation-view .msg-customer", new() { HasText = "tangerine parcel" })).ToBeVisibleAsync(new() { Timeout = Timeout });

        // Back leaves the conversation and keeps the search.
        await marie.GoBackAsync();
        await Assertions.Expect(marie).ToHaveURLAsync(SearchUrl(), new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator(".conversation-empty")).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(marie.Locator(".conv-row")).ToHaveCountAsync(1, new() { Timeout = Timeout });
    }

    [GeneratedRegex(@"/console\?q=tangerine$")]
    private static partial Regex SearchUrl();

    [GeneratedRegex(@"/console/\d+\?q=tangerine$")]
    private static partial Regex OpenUrl();
}
