using System.Text.Json;
using Parley.Conversations;
using Parley.Tests.Bots;
using Parley.Tests.Bots.Flows;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

public sealed class WidgetCardsTests
{
    [Fact]
    public async Task The_widget_gets_a_flows_cards_after_their_text_and_a_tapped_choice_leads_on()
    {
        await using var app = new ParleyApplication();
        var manager = await ConsoleLogin.SignedInAsync(app, "chiara@parley.local");
        await FlowsApiTests.PublishAsync(manager, FlowCardsTests.Yaml, "Services");
        using var widget = await WidgetClient.OpenedAsync(app);

        var shown = await widget.WaitForAsync(m => m.Messages.Any(x => x.ContentType == ContentType.Cards), "the cards");
        var text = shown.Messages.Single(m => m.Text?.StartsWith("What can I do for you", StringComparison.Ordinal) == true);
        var cards = shown.Messages.Single(m => m.ContentType == ContentType.Cards);
        Assert.True(cards.Seq > text.Seq);
        Assert.Equal(["Track a parcel", "Open an account"], cards.Cards!.Select(c => c.Title));
        Assert.Equal([("Track it", "track", null), ("How it works", null, "https://example.org/help")], cards.Cards![0].Buttons!.Select(b => (b.Title, b.Id, b.Url)));

        // The JSON the widget reads: contentType "cards", each card's imageUrl and url, each button's id or url.
        var json = JsonSerializer.SerializeToElement(cards, JsonSerializerOptions.Web);
        Assert.Equal("cards", json.GetProperty("contentType").GetString());
        Assert.Equal("https://example.org/parcel.png", json.GetProperty("cards")[0].GetProperty("imageUrl").GetString());

        await widget.SendAsync("Open one", replyTo: "open-one");
        await widget.WaitForAsync(m => m.Messages.Any(x => x.Text == "An advisor opens it with you."), "the step the choice leads to");
    }
}
