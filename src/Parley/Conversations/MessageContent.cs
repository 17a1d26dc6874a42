using System.Text.Json;

namespace Parley.Conversations;

/// <summary>A quick reply or list picker choice.</summary>
public sealed record MessageOption(string Id, string Title, string? Description = null);

public sealed record AttachmentInfo(long Id, string FileName, string ContentType, long Size);

/// <summary>The kinds of media a platform delivers, each shown as what it is.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MediaKind>))]
public enum MediaKind
{
    [System.Text.Json.Serialization.JsonStringEnumMemberName("image")]
    Image,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("video")]
    Video,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("audio")]
    Audio,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("file")]
    File,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("sticker")]
    Sticker,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("location")]
    Location,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("contact")]
    Contact,
    [System.Text.Json.Serialization.JsonStringEnumMemberName("other")]
    Other,
}

/// <summary>
/// An image, file, audio, video, sticker or location as a platform delivered it: a link to the platform's copy (or its
/// media id), never fetched into a page of the console unasked.
/// </summary>
public sealed record ChannelMedia(
    MediaKind Kind,
    string? Url = null,
    string? MediaId = null,
    string? Name = null,
    string? MimeType = null,
    double? Latitude = null,
    double? Longitude = null);

/// <summary>
/// A card of a cards message (several make a carousel): title, subtitle, image, the page tapping it opens, and buttons.
/// Each channel shows it its own way (a generic template, an interactive message, text with links).
/// </summary>
public sealed record MessageCard(string Title, string? Subtitle = null, string? ImageUrl = null, string? Url = null, IReadOnlyList<CardButton>? Buttons = null)
{
    /// <summary>The cards' choice buttons in order, as options: what a channel without cards numbers, and what a reply carries.</summary>
    public static IReadOnlyList<MessageOption> Choices(IEnumerable<MessageCard> cards) =>
        cards.SelectMany(c => c.Buttons ?? []).Where(b => b.Url is null && b.Id is not null).Select(b => new MessageOption(b.Id!, b.Title)).ToList();

    /// <summary>Only http(s) links are sent or shown: a link is data, never a script.</summary>
    public static bool IsWebLink(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http";
}

/// <summary>A card's button: a choice the customer taps (its <see cref="Id"/> comes back as the reply), or a link (<see cref="Url"/>).</summary>
public sealed record CardButton(string Title, string? Id = null, string? Url = null);

/// <summary>An approved template (WhatsApp, outside its 24-hour window) with the advisor's values for its parameters.</summary>
public sealed record TemplateUse(string Name, string Language, IReadOnlyList<string> Parameters);

/// <summary>What the network told of a public message's author, kept with the message (<see cref="MessagePayload.Author"/>).</summary>
/// <param name="Handle">The author's handle: an X screen name, an Instagram username (without @).</param>
/// <param name="Followers">How many follow the author, when the network says (X's <c>followers_count</c>).</param>
public sealed record PublicAuthor(string? Handle, long? Followers);

/// <summary>
/// What goes in <see cref="Message.PayloadJson"/>: the options of a picker, the attachment of a file message, a platform's
/// media, the template a message was sent with, the cards of a cards message, or what a network told of a public message's author.
/// </summary>
public sealed record MessagePayload(
    IReadOnlyList<MessageOption>? Options = null, AttachmentInfo? Attachment = null, IReadOnlyList<ChannelMedia>? Media = null, TemplateUse? Template = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<MessageCard>? Cards = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    PublicAuthor? Author = null)
{
    public static MessagePayload? Parse(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<MessagePayload>(json, JsonSerializerOptions.Web);

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}

/// <summary>A message as the widget and the console see it.</summary>
public sealed record MessageDto(
    long Id,
    long ConversationId,
    long Seq,
    AuthorKind AuthorKind,
    string? AuthorName,
    ContentType ContentType,
    string? Text,
    IReadOnlyList<MessageOption>? Options,
    AttachmentInfo? Attachment,
    string? ReplyTo,
    DeliveryStatus DeliveryStatus,
    DateTime CreatedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? FailureReason = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<ChannelMedia>? Media = null,
    [property: System.Text.Json.Serialization.JsonIgnore]
    MessageReading? Reading = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<MessageCard>? Cards = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    DateTime? EditedAt = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    DateTime? DeletedAt = null,
    [property: System.Text.Json.Serialization.JsonIgnore]
    PublicMarks? Public = null)
{
    public static MessageDto From(Message m)
    {
        var payload = MessagePayload.Parse(m.PayloadJson);
        return new MessageDto(m.Id, m.ConversationId, m.Seq, m.AuthorKind, m.AuthorName, m.ContentType, m.Text,
            payload?.Options, payload?.Attachment, m.ReplyTo, m.DeliveryStatus, m.CreatedAt, m.FailureReason, payload?.Media,
            m.Sentiment is null && m.Language is null && m.Intent is null ? null : new MessageReading(m.Language, m.Sentiment, m.Intent),
            payload?.Cards, m.EditedAt, m.DeletedAt,
            m.ChannelMessageId is null && m.HiddenAt is null ? null : new PublicMarks(m.ChannelMessageId, m.HiddenAt, m.LikedAt, m.PrivateReplyAt));
    }
}

/// <summary>For the console only: a message's platform id and what advisors did to it on the network (public conversations).</summary>
public sealed record PublicMarks(string? PlatformId, DateTime? HiddenAt, DateTime? LikedAt, DateTime? PrivateReplyAt);

/// <summary>
/// What Parley read in a customer's message (language, tone, intent): for the console and the advisors only, never sent
/// to the customer's widget.
/// </summary>
public sealed record MessageReading(string? Language, double? Sentiment, string? Intent)
{
    /// <summary>Under it a message reads as negative, over its opposite as positive (the analyser's own threshold).</summary>
    public const double ToneThreshold = 0.2;

    public string? Tone => Sentiment switch
    {
        < -ToneThreshold => "negative",
        > ToneThreshold => "positive",
        null => null,
        _ => "neutral",
    };
}
