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
}
