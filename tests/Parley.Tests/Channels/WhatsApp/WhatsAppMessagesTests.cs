using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.WhatsApp;
using Parley.Conversations;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppMessagesTests
{
    private static OutboundMessage Outbound(string text, MessagePayload? payload = null, AuthorKind author = AuthorKind.Advisor) => new(
        new Message { Id = 7, AuthorKind = author, AuthorName = "Marie", Text = text, ContentType = ContentType.Text },
        new Inbox { Name = "WhatsApp", Channel = ChannelKind.WhatsApp, SettingsJson = "" },
        null, "393331234567", null, payload);

    private static JsonObject Body(ComposedMessage composed)
    {
        Assert.Null(composed.Problem);
        return composed.Body!;
    }

    [Fact]
    public void A_text_goes_without_link_preview()
    {
        Assert.Equal(
            """{"messaging_product":"whatsapp","recipient_type":"individual","to":"393331234567","type":"text","text":{"preview_url":false,"body":"Hi\n\n\u2014 Marie"}}""",
            Body(WhatsAppMessages.Compose(Outbound("Hi"))).ToJsonString());
    }

    [Fact]
    public void Reply_buttons_carry_each_options_id_and_title()
    {
        var body = Body(WhatsAppMessages.Compose(Outbound("Solved?", new MessagePayload([new("yes", "Yes"), new("no", "No")]), AuthorKind.Bot)));

        Assert.Equal(
            """{"type":"button","body":{"text":"Solved?"},"action":{"buttons":[{"type":"reply","reply":{"id":"yes","title":"Yes"}},{"type":"reply","reply":{"id":"no","title":"No"}}]}}""",
            body["interactive"]!.ToJsonString());
    }

    [Fact]
    public void Options_that_fit_no_interactive_message_go_as_numbered_text_with_warnings()
    {
        var options = Enumerable.Range(1, 11).Select(i => new MessageOption($"t{i}", $"Topic {i}")).ToList();

        var composed = WhatsAppMessages.Compose(Outbound("Pick one", new MessagePayload(options), AuthorKind.Bot));

        Assert.Equal("text", (string?)Body(composed)["type"]);
        Assert.StartsWith("Pick one\n\n1. Topic 1\n", (string?)composed.Body!["text"]!["body"], StringComparison.Ordinal);
        Assert.Equal(["11 options: WhatsApp lists take at most 10; sent as numbered text."], composed.Warnings);
    }

    [Fact]
    public void A_template_goes_with_its_body_parameters_and_without_a_signature()
    {
        var body = Body(WhatsAppMessages.Compose(Outbound("Hello Anna", new MessagePayload(Template: new TemplateUse("parcel_ready", "it", ["Anna"])))));

        Assert.Equal(
            """{"name":"parcel_ready","language":{"code":"it"},"components":[{"type":"body","parameters":[{"type":"text","text":"Anna"}]}]}""",
            body["template"]!.ToJsonString());
        Assert.Equal("""{"name":"hello_world","language":{"code":"en_US"}}""",
            WhatsAppMessages.Template("393331234567", new TemplateUse("hello_world", "en_US", []))["template"]!.ToJsonString());
    }

    [Fact]
    public void Media_goes_by_id_or_by_link_with_its_caption()
    {
        var image = Body(WhatsAppMessages.Compose(Outbound("The form", new MessagePayload(Media: [new ChannelMedia(MediaKind.Image, MediaId: "1479537139650973")]))));
        Assert.Equal("""{"id":"1479537139650973","caption":"The form\n\n\u2014 Marie"}""", image["image"]!.ToJsonString());

        var document = Body(WhatsAppMessages.Compose(Outbound("", new MessagePayload(Media: [new ChannelMedia(MediaKind.File, Url: "https://example.org/form.pdf", Name: "form.pdf")]))));
        Assert.Equal(("document", """{"link":"https://example.org/form.pdf","filename":"form.pdf"}"""), ((string?)document["type"], document["document"]!.ToJsonString()));

        var location = Body(WhatsAppMessages.Compose(Outbound("", new MessagePayload(Media: [new ChannelMedia(MediaKind.Location, Name: "Post office", Latitude: 45.46, Longitude: 9.19)]))));
        Assert.Equal("""{"latitude":45.46,"longitude":9.19,"name":"Post office"}""", location["location"]!.ToJsonString());
    }

    [Theory]
    [InlineData("", "file", null, null, "The media has neither a WhatsApp media id nor a public link to send.")]
    [InlineData("Listen", "audio", "123", null, "WhatsApp shows no text with an audio: send the text in its own message.")]
    [InlineData("", "contact", "123", null, "WhatsApp cannot send a media of kind contact.")]
    [InlineData("", "image", "123", "2", "WhatsApp takes one media per message, this one has 2: send each in its own message.")]
    public void Media_whatsapp_cannot_carry_is_refused_with_the_reason(string text, string kind, string? mediaId, string? count, string reason)
    {
        var media = new ChannelMedia(Enum.Parse<MediaKind>(kind, ignoreCase: true), MediaId: mediaId);
        var payload = new MessagePayload(Media: Enumerable.Repeat(media, count is null ? 1 : int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).ToList());

        Assert.Equal(reason, WhatsAppMessages.Compose(Outbound(text, payload)).Problem);
    }

    [Fact]
    public void A_text_longer_than_whatsapp_takes_is_refused()
    {
        Assert.Equal("The text has 4106 characters: WhatsApp takes at most 4096 in a message.",
            WhatsAppMessages.Compose(Outbound(new string('x', 4097))).Problem);
    }
}
