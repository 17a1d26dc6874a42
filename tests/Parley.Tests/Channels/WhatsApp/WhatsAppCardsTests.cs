using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.WhatsApp;
using Parley.Conversations;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppCardsTests
{
    private static readonly MessageCard Parcel = new("Track a parcel", "Where it is", "https://example.org/parcel.png", "https://example.org/track",
        [new CardButton("Track it", "track"), new CardButton("How it works", Url: "https://example.org/help")]);

    private static readonly MessageCard Account = new("Open an account", Buttons: [new CardButton("Open one", "open-one")]);

    private static ComposedMessage Compose(params MessageCard[] cards) => WhatsAppMessages.Compose(new OutboundMessage(
        new Message { Id = 7, AuthorKind = AuthorKind.Bot, Text = string.Empty, ContentType = ContentType.Cards },
        new Inbox { Name = "WhatsApp", Channel = ChannelKind.WhatsApp, SettingsJson = "" },
        null, "393331234567", null, new MessagePayload(Cards: cards)));

    private static JsonObject Body(ComposedMessage composed)
    {
        Assert.Null(composed.Problem);
        return composed.Body!;
    }

    [Fact]
    public void One_card_is_an_interactive_button_message_under_its_image_with_its_links_in_the_body()
    {
        var body = Body(Compose(Parcel));

        Assert.Equal("interactive", (string?)body["type"]);
        Assert.Equal(
            """{"type":"button","header":{"type":"image","image":{"link":"https://example.org/parcel.png"}}""" +
            ""","body":{"text":"*Track a parcel*\nWhere it is\nhttps://example.org/track\nHow it works: https://example.org/help"}""" +
            ""","action":{"buttons":[{"type":"reply","reply":{"id":"track","title":"Track it"}}]}}""",
            body["interactive"]!.ToJsonString());
    }

    [Fact]
    public void Several_cards_are_a_list_with_a_section_per_card_and_their_texts_in_the_body()
    {
        var body = Body(Compose(Parcel, Account, new MessageCard("Opening hours", "8:30 to 19:00")));

        Assert.Equal(
            """{"type":"list","body":{"text":"*Track a parcel*\nWhere it is\nhttps://example.org/track\nHow it works: https://example.org/help\n\n*Open an account*\n\n*Opening hours*\n8:30 to 19:00"}""" +
            ""","action":{"button":"Choose","sections":[{"title":"Track a parcel","rows":[{"id":"track","title":"Track it"}]},{"title":"Open an account","rows":[{"id":"open-one","title":"Open one"}]}]}}""",
            body["interactive"]!.ToJsonString());
    }

    [Fact]
    public void Cards_that_fit_no_interactive_message_go_as_numbered_text_with_a_warning()
    {
        var crowded = Parcel with { Buttons = [.. Enumerable.Range(1, 4).Select(i => new CardButton($"Choice {i}", $"c{i}"))] };

        var composed = Compose(crowded);

        Assert.Equal("text", (string?)Body(composed)["type"]);
        Assert.Equal("*Track a parcel*\nWhere it is\nhttps://example.org/track\n1. Choice 1\n2. Choice 2\n3. Choice 3\n4. Choice 4\n\nReply with the number or the name.",
            (string?)composed.Body!["text"]!["body"]);
        Assert.Equal(["4 choices on one card: WhatsApp shows at most 3 reply buttons; sent as numbered text."], composed.Warnings);
    }

    [Fact]
    public void A_card_without_choices_is_its_image_with_a_caption_or_text()
    {
        var image = Body(Compose(new MessageCard("Opening hours", "8:30 to 19:00", "https://example.org/office.jpg")));
        Assert.Equal("""{"link":"https://example.org/office.jpg","caption":"*Opening hours*\n8:30 to 19:00"}""", image["image"]!.ToJsonString());

        var text = Body(Compose(new MessageCard("Opening hours", "8:30 to 19:00")));
        Assert.Equal("*Opening hours*\n8:30 to 19:00", (string?)text["text"]!["body"]);
    }
}
