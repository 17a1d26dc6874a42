using Parley.Channels.X;
using Parley.Conversations;

namespace Parley.Tests.Channels.X;

public sealed class XMessageTextTests
{
    private static readonly MessageOption[] Topics = [new("parcels", "Parcels", "Tracking, delivery"), new("bank", "Bank"), new("mobile", " Mobile ")];

    [Fact]
    public void Options_become_a_numbered_list_with_how_to_answer()
    {
        var text = XMessageText.Render("What is your question about?", AuthorKind.Bot, "Parley bot (automated)", new MessagePayload(Topics));

        Assert.Equal("What is your question about?\n\n1. Parcels\n2. Bank\n3. Mobile\nReply with the number or the name.", text);
    }

    [Fact]
    public void An_advisors_reply_is_signed_and_a_bots_is_not()
    {
        Assert.Equal("It left Milan.\n\n— Marie", XMessageText.Render("It left Milan.", AuthorKind.Advisor, "Marie", null));
        Assert.Equal("It left Milan.", XMessageText.Render("It left Milan.", AuthorKind.Advisor, null, null));
        Assert.Equal("Hello", XMessageText.Render("Hello", AuthorKind.Bot, "Parley bot (automated)", null));
    }

    [Fact]
    public void Media_go_as_links_and_a_message_with_nothing_to_say_is_empty()
    {
        var payload = new MessagePayload(Media: [new ChannelMedia(MediaKind.Image, "https://example.com/a.jpg"), new ChannelMedia(MediaKind.File, MediaId: "42")]);

        Assert.Equal("Your receipt:\n\nhttps://example.com/a.jpg\n\n— Marie", XMessageText.Render("Your receipt:", AuthorKind.Advisor, "Marie", payload));
        Assert.Equal(string.Empty, XMessageText.Render("  ", AuthorKind.Advisor, "Marie", null));
    }

    [Fact]
    public void Cards_become_their_titles_subtitles_and_links_with_their_choices_numbered_across_cards()
    {
        var cards = new MessagePayload(Cards:
        [
            new MessageCard("Track a parcel", "Where it is", "https://example.org/parcel.png", "https://example.org/track",
                [new CardButton("Track it", "track"), new CardButton("How it works", Url: "https://example.org/help"), new CardButton("Bad", Url: "javascript:x")]),
            new MessageCard("Open an account", Buttons: [new CardButton("Open one", "open-one")]),
        ]);

        Assert.Equal(
            "*\n\nTrack a parcel\nWhere it is\nhttps://example.org/track\n1. Track it\nHow it works: https://example.org/help\n\nOpen an account\n2. Open one\n\nReply with the number or the name.",
            XMessageText.Render("*", AuthorKind.Bot, "Parley bot (automated)", cards));
    }
}
