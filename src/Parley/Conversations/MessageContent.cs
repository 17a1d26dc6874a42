using System.Text.Json;

namespace Parley.Conversations;

/// <summary>A quick reply or list picker choice.</summary>
public sealed record MessageOption(string Id, string Title, string? Description = null);

public sealed record AttachmentInfo(long Id, string FileName, string ContentType, long Size);

/// <summary>What goes in <see cref="Message.PayloadJson"/>: the options of a picker, or the attachment of a file message.</summary>
public sealed record MessagePayload(IReadOnlyList<MessageOption>? Options = null, AttachmentInfo? Attachment = null)
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
    string? FailureReason = null)
{
    public static MessageDto From(Message m)
    {
        var payload = MessagePayload.Parse(m.PayloadJson);
        return new MessageDto(m.Id, m.ConversationId, m.Seq, m.AuthorKind, m.AuthorName, m.ContentType, m.Text,
            payload?.Options, payload?.Attachment, m.ReplyTo, m.DeliveryStatus, m.CreatedAt, m.FailureReason);
    }
}
