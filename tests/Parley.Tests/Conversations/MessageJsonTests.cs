using System.Text.Json;
using Parley.Conversations;

namespace Parley.Tests.Conversations;

/// <summary>The widget reads author kinds, content types and delivery states by name, whichever serializer wrote them.</summary>
public sealed class MessageJsonTests
{
    [Fact]
    public void A_message_and_a_typing_event_name_their_kinds_in_camel_case_even_with_plain_web_options()
    {
        var message = new MessageDto(1, 2, 3, AuthorKind.Advisor, "Marie", ContentType.ListPicker, "Pick one", null, null, null,
            DeliveryStatus.Delivered, new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc));

        var json = JsonSerializer.SerializeToElement(message, JsonSerializerOptions.Web);
        var typing = JsonSerializer.SerializeToElement(new TypingChanged(1, 2, AuthorKind.Advisor, "Marie", true), JsonSerializerOptions.Web);

        Assert.Equal(("advisor", "listPicker", "delivered"),
            (json.GetProperty("authorKind").GetString(), json.GetProperty("contentType").GetString(), json.GetProperty("deliveryStatus").GetString()));
        Assert.Equal("advisor", typing.GetProperty("authorKind").GetString());
        Assert.Equal(message, JsonSerializer.Deserialize<MessageDto>(json.GetRawText(), JsonSerializerOptions.Web));
    }
}
