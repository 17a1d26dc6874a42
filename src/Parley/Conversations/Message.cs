using System.Text.Json.Serialization;

namespace Parley.Conversations;

// The enums that travel to the widget and the console are written by name in JSON (camelCase), with every serializer's
// options: the API's, and the event stream's plain web defaults.

[JsonConverter(typeof(JsonStringEnumConverter<AuthorKind>))]
public enum AuthorKind
{
    [JsonStringEnumMemberName("customer")]
    Customer,
    [JsonStringEnumMemberName("bot")]
    Bot,
    [JsonStringEnumMemberName("advisor")]
    Advisor,
    [JsonStringEnumMemberName("system")]
    System,
}

[JsonConverter(typeof(JsonStringEnumConverter<ContentType>))]
public enum ContentType
{
    [JsonStringEnumMemberName("text")]
    Text,
    [JsonStringEnumMemberName("quickReplies")]
    QuickReplies,
    [JsonStringEnumMemberName("listPicker")]
    ListPicker,
    [JsonStringEnumMemberName("attachment")]
    Attachment,

    /// <summary>Images, files, audio, video, locations or stickers a platform holds (<see cref="ChannelMedia"/>).</summary>
    [JsonStringEnumMemberName("media")]
    Media,

    /// <summary>One card or several (a carousel), with images and buttons (<see cref="MessageCard"/>).</summary>
    [JsonStringEnumMemberName("cards")]
    Cards,
}

[JsonConverter(typeof(JsonStringEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus
{
    /// <summary>Stored, waiting for the outbound dispatcher (outbound) or the engine (inbound).</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,
    [JsonStringEnumMemberName("sent")]
    Sent,
    [JsonStringEnumMemberName("delivered")]
    Delivered,
    [JsonStringEnumMemberName("read")]
    Read,
    [JsonStringEnumMemberName("failed")]
    Failed,
}

public sealed class Message
{
    public long Id { get; set; }
    public long ConversationId { get; set; }
    public long InboxId { get; set; }

    /// <summary>Position in the conversation, 1-based, without gaps.</summary>
    public long Seq { get; set; }

    public AuthorKind AuthorKind { get; set; }
    public long? AuthorId { get; set; }

    /// <summary>The name shown with the message: the advisor's signature, the bot's name, or the customer's.</summary>
    public string? AuthorName { get; set; }

    public ContentType ContentType { get; set; }
    public string? Text { get; set; }

    /// <summary>Options, cards or attachment as JSON (see <see cref="MessagePayload"/>).</summary>
    public string? PayloadJson { get; set; }

    /// <summary>The option a customer picked from quick replies or a list picker.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>The channel's own id for the message; unique per inbox, so a redelivery is stored once.</summary>
    public string? ChannelMessageId { get; set; }

    /// <summary>A public message's parent comment (the platform's id) when it answers one; null for a comment on the post.</summary>
    public string? ParentChannelMessageId { get; set; }

    /// <summary>When the customer last edited a public message on the platform (the text is the edited one).</summary>
    public DateTime? EditedAt { get; set; }

    /// <summary>
    /// When the customer deleted a public message on the platform, or an advisor deleted a brand reply (kept, marked, for
    /// the advisors).
    /// </summary>
    public DateTime? DeletedAt { get; set; }

    /// <summary>When an advisor hid the public comment on the network (null once unhidden).</summary>
    public DateTime? HiddenAt { get; set; }

    /// <summary>When an advisor liked the public comment on the network.</summary>
    public DateTime? LikedAt { get; set; }

    /// <summary>When the brand answered the public comment in private (Meta allows one private reply per comment).</summary>
    public DateTime? PrivateReplyAt { get; set; }

    public DeliveryStatus DeliveryStatus { get; set; }

    /// <summary>Inbound messages only: false until the engine has run the bot or routing for it.</summary>
    public bool Processed { get; set; }

    public int DeliveryAttempts { get; set; }

    /// <summary>Why the message could not be delivered, in the platform's words, for the advisor.</summary>
    public string? FailureReason { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>A customer's message's tone, from -1 (angry) to 1 (pleased); null when not analysed (not a customer's text).</summary>
    public double? Sentiment { get; set; }

    /// <summary>The language the customer wrote in ("en", "fr", "it"), when detected.</summary>
    public string? Language { get; set; }

    /// <summary>The intent the bot recognised, when a flow read the message.</summary>
    public string? Intent { get; set; }
}
