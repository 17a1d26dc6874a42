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
    string AuthorKind,
    string? AuthorName,
    string ContentType,
    string? Text,
    IReadOnlyList<MessageOption>? Options,
    AttachmentInfo? Attachment,
    string? ReplyTo,
    string DeliveryStatus,
    DateTime CreatedAt)
{
    public static MessageDto From(Message m)
    {
        var payload = MessagePayload.Parse(m.PayloadJson);
        return new MessageDto(m.Id, m.ConversationId, m.Seq, Camel(m.AuthorKind), m.AuthorName, Camel(m.ContentType), m.Text,
            payload?.Options, payload?.Attachment, m.ReplyTo, Camel(m.DeliveryStatus), m.CreatedAt);
    }

    private static string Camel<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        return string.Create(name.Length, name, (span, n) =>
        {
            n.AsSpan().CopyTo(span);
            span[0] = char.ToLowerInvariant(span[0]);
        });
    }
}
