using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels.Meta;
using Parley.Channels.WhatsApp;
using Parley.Conversations;
using static Parley.Tests.Channels.WhatsApp.WhatsAppPayloads;

namespace Parley.Tests.Channels.WhatsApp;

public sealed class WhatsAppInboundTests
{
    private const string From = "393331234567";

    private static WhatsAppIncoming Parse(JsonObject message) => WhatsAppInbound.Message(JsonDocument.Parse(message.ToJsonString()).RootElement);

    private static WhatsAppIncoming Parse(string type, string content) => Parse(Message(From, "wamid.1", type, JsonNode.Parse(content)!));

    [Fact]
    public void A_text_keeps_its_sender_wamid_and_body()
    {
        Assert.Equal(new WhatsAppIncoming(From, "wamid.1", ContentType.Text, "Hello"), Parse(Text(From, "wamid.1", "Hello")));
    }

    [Theory]
    [InlineData("interactive", """{"type":"list_reply","list_reply":{"id":"bank","title":"Bank","description":"Cards"}}""", "bank", "Bank")]
    [InlineData("interactive", """{"type":"button_reply","button_reply":{"id":"yes","title":"Yes"}}""", "yes", "Yes")]
    [InlineData("button", """{"payload":"track-parcel","text":"Track my parcel"}""", "track-parcel", "Track my parcel")]
    public void A_pick_answers_with_the_options_id_and_title(string type, string content, string replyTo, string text)
    {
        var message = Parse(type, content);

        Assert.Equal((ContentType.Text, text, replyTo), (message.ContentType, message.Text, message.ReplyTo));
    }

    [Theory]
    [InlineData("video", """{"id":"v1","mime_type":"video/mp4"}""", MediaKind.Video)]
    [InlineData("audio", """{"id":"a1","mime_type":"audio/ogg; codecs=opus","voice":true}""", MediaKind.Audio)]
    [InlineData("sticker", """{"id":"s1","mime_type":"image/webp","animated":false}""", MediaKind.Sticker)]
    public void Media_keeps_its_whatsapp_media_id(string type, string content, MediaKind kind)
    {
        var message = Parse(type, content);

        var media = Assert.Single(message.Payload!.Media!);
        Assert.Equal((ContentType.Media, kind, type[0] + "1"), (message.ContentType, media.Kind, media.MediaId));
    }

    [Theory]
    [InlineData("reaction", """{"message_id":"wamid.out-1","emoji":"👍"}""", "Reacted 👍 to a message")]
    [InlineData("reaction", """{"message_id":"wamid.out-1"}""", "Removed a reaction")]
    [InlineData("contacts", """[{"name":{"formatted_name":"Luca Bianchi"},"phones":[{"phone":"+39 347 000 0001","wa_id":"393470000001"}]}]""", "Shared contact: Luca Bianchi +39 347 000 0001")]
    [InlineData("unsupported", """{"type":"poll_creation"}""", "(A message WhatsApp does not deliver to businesses: poll_creation)")]
    [InlineData("order", """{"catalog_id":"1","product_items":[]}""", "(A WhatsApp message of type 'order' that Parley cannot show)")]
    public void Other_messages_are_stored_as_text_saying_what_they_were(string type, string content, string text)
    {
        Assert.Equal(text, Parse(type, content).Text);
    }

    [Fact]
    public void Text_that_is_not_storable_is_cleaned_not_refused()
    {
        var raw = """{"from":"393331234567","id":"wamid.1","timestamp":"1764669600","type":"text","text":{"body":"A\u0000B\ud800"}}""";

        Assert.Equal("AB\uFFFD", WhatsAppInbound.Message(JsonDocument.Parse(raw).RootElement).Text);
    }

    [Fact]
    public void A_message_without_its_sender_or_wamid_is_not_whatsapps_format()
    {
        var message = Text(From, "wamid.1", "Hello");
        message.Remove("from");

        Assert.Throws<MetaPayloadException>(() => Parse(message));
        Assert.Throws<MetaPayloadException>(() => Parse(Text(From, new string('w', 300), "Hello")));
    }

    [Fact]
    public void A_failed_status_carries_whatsapps_reason()
    {
        var status = Status("wamid.out-1", "failed", From, StatusError(131026, "Message undeliverable", "Unable to deliver message."));

        Assert.Equal(new WhatsAppStatus("wamid.out-1", DeliveryStatus.Failed, "131026: Message undeliverable (Unable to deliver message.)"),
            WhatsAppInbound.Status(JsonDocument.Parse(status.ToJsonString()).RootElement));
        Assert.Null(WhatsAppInbound.Status(JsonDocument.Parse(Status("wamid.out-1", "sent", From).ToJsonString()).RootElement).Status);
    }
}
