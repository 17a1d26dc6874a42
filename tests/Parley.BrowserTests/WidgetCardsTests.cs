using Microsoft.Playwright;

namespace Parley.BrowserTests;

/// <summary>A flow's cards in the widget: a row scrolled sideways, texts as text, links in a new tab, a choice sent as a quick reply is.</summary>
public sealed class WidgetCardsTests
{
    private const float Timeout = 15_000;

    private const string Yaml = """
        name: Services
        start: services
        steps:
        - id: services
          type: message
          text: What can I do for you?
          cards:
          - title: Track a <b>parcel</b>
            subtitle: <img src=x onerror="document.title='owned'">
            image_url: https://example.org/parcel.png
            url: https://example.org/track
            buttons:
            - { id: track, title: Track it, next: tracking }
            - { title: How it works, url: https://example.org/help }
          - title: Open an account
            buttons:
            - { title: Open one, next: account }
        - { id: tracking, type: resolve, text: Tracking it is. }
        - { id: account, type: resolve, text: An advisor opens it with you. }
        """;

    [ChromiumFact]
    public async Task The_widget_shows_a_flows_cards_as_a_row_and_a_tapped_choice_leads_the_flow_on()
    {
        await using var server = new ParleyServer();
        server.StartServer();
        await using var browser = await Browser.LaunchAsync();
        await using var office = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var manager = await office.NewPageAsync();
        await HybridConversationTests.SignInAsync(manager, "chiara@parley.local");
        var created = await office.APIRequest.PostAsync("/api/console/flows", new() { DataObject = new { accountId = 1, name = "Services", isDefault = true, yaml = Yaml } });
        Assert.Equal(201, created.Status);
        var id = (await created.JsonAsync())!.Value.GetProperty("flow").GetProperty("id").GetInt64();
        Assert.Equal(200, (await office.APIRequest.PostAsync($"/api/console/flows/{id}/publish", new() { DataObject = new { note = "cards" } })).Status);

        await using var phone = await browser.Instance.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var customer = await phone.NewPageAsync();
        await customer.GotoAsync("/demo");
        var title = await customer.TitleAsync();
        await customer.Locator("#parley-launcher").ClickAsync();

        var cards = customer.Locator(".parley-msg-cards .parley-card");
        await Assertions.Expect(cards).ToHaveCountAsync(2, new() { Timeout = Timeout });
        var first = cards.Nth(0);
        await Assertions.Expect(first.Locator(".parley-card-title")).ToHaveTextAsync("Track a <b>parcel</b>");
        await Assertions.Expect(first.Locator(".parley-card-subtitle")).ToHaveTextAsync("<img src=x onerror=\"document.title='owned'\">");
        await Assertions.Expect(first.Locator("b, .parley-card-subtitle img")).ToHaveCountAsync(0);
        await Assertions.Expect(first.Locator("img.parley-card-img")).ToHaveAttributeAsync("src", "https://example.org/parcel.png");
        await Assertions.Expect(first.Locator("a.parley-card-title")).ToHaveAttributeAsync("href", "https://example.org/track");
        var help = first.Locator("a.parley-card-link", new() { HasText = "How it works" });
        await Assertions.Expect(help).ToHaveAttributeAsync("target", "_blank");
        await Assertions.Expect(help).ToHaveAttributeAsync("rel", "noopener noreferrer");
        Assert.Equal("auto", await customer.Locator(".parley-cards").EvaluateAsync<string>("e => getComputedStyle(e).overflowX"));

        await cards.Nth(1).Locator("button.parley-option", new() { HasText = "Open one" }).ClickAsync();
        await Assertions.Expect(customer.Locator(".parley-msg-customer", new() { HasText = "Open one" })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(customer.Locator(".parley-msg-bot", new() { HasText = "An advisor opens it with you." })).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Assertions.Expect(first.Locator("button.parley-option")).ToBeDisabledAsync();
        Assert.Equal(title, await customer.TitleAsync());
    }
}
