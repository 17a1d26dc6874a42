using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>An event that is not in the Account Activity API's documented format: the webhook answers 400.</summary>
public sealed class XPayloadException(string message) : Exception(message);

/// <summary>
/// A <c>message_create</c> event of <c>direct_message_events</c>, as the Account Activity API delivers it: its DM event id,
/// sender, recipient, text (links shown as the customer wrote them, not X's t.co), quick reply answer and media.
/// </summary>
public sealed record XDirectMessage(string Id, string SenderId, string RecipientId, string Text, string? QuickReply, IReadOnlyList<ChannelMedia> Media)
{
    /// <returns>The message, or null for another type of DM event (logged by the caller).</returns>
    /// <exception cref="XPayloadException">A message_create without its id, sender or recipient.</exception>
    public static XDirectMessage? Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new XPayloadException("Each direct message event is an object.");
        }

        if (PlatformText.Of(e, "type") != "message_create")
        {
            return null;
        }

        var id = XPayload.Id(PlatformText.Of(e, "id"), "id");
        var create = XPayload.Object(e, "message_create");
        var sender = XPayload.Id(PlatformText.Of(create, "sender_id"), "message_create.sender_id");
        var recipient = XPayload.Id(PlatformText.Of(XPayload.Object(create, "target"), "recipient_id"), "message_create.target.recipient_id");
        var data = create.TryGetProperty("message_data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var media = ReadMedia(data);
        var text = ExpandLinks(PlatformText.Of(data, "text") ?? string.Empty, data, media.Link);
        var quickReply = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("quick_reply_response", out var reply)
            ? PlatformText.Of(reply, "metadata") is { Length: > 0 and <= 1000 } metadata ? metadata : null
            : null;
        return new XDirectMessage(id, sender, recipient, text, quickReply, media.Items);
    }

    /// <summary>X shortens every link to t.co in the text; <c>entities.urls</c> gives each one's expanded form.</summary>
    public static string ExpandLinks(string text, JsonElement data, string? mediaLink)
    {
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Object
            && entities.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array)
        {
            foreach (var url in urls.EnumerateArray())
            {
                if (PlatformText.Of(url, "url") is { Length: > 0 } shortened && PlatformText.Of(url, "expanded_url") is { Length: > 0 } expanded
                    && shortened != mediaLink)
                {
                    text = text.Replace(shortened, expanded, StringComparison.Ordinal);
                }
            }
        }

        // The media's own t.co link ends the text; the media is shown as what it is.
        return mediaLink is { Length: > 0 } ? text.Replace(mediaLink, string.Empty, StringComparison.Ordinal).Trim() : text;
    }

    private static (IReadOnlyList<ChannelMedia> Items, string? Link) ReadMedia(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("attachment", out var attachment) || attachment.ValueKind != JsonValueKind.Object)
        {
            return ([], null);
        }

        if (PlatformText.Of(attachment, "type") != "media" || !attachment.TryGetProperty("media", out var media) || media.ValueKind != JsonValueKind.Object)
        {
            return ([new ChannelMedia(MediaKind.Other)], null);
        }

        var kind = PlatformText.Of(media, "type") switch
        {
            "photo" => MediaKind.Image,
            "video" or "animated_gif" => MediaKind.Video,
            _ => MediaKind.Other,
        };
        var url = kind == MediaKind.Video ? BestVideo(media) ?? PlatformText.Of(media, "media_url_https") : PlatformText.Of(media, "media_url_https");
        return ([new ChannelMedia(kind, Url: url, MediaId: PlatformText.Of(media, "id_str"))], PlatformText.Of(media, "url"));
    }

    /// <summary>A video's MP4 of the highest bitrate (X also lists an HLS playlist, which browsers do not all play).</summary>
    private static string? BestVideo(JsonElement media)
    {
        if (!media.TryGetProperty("video_info", out var info) || info.ValueKind != JsonValueKind.Object
            || !info.TryGetProperty("variants", out var variants) || variants.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return variants.EnumerateArray()
            .Where(v => PlatformText.Of(v, "content_type") == "video/mp4" && PlatformText.Of(v, "url") is { Length: > 0 })
            .OrderByDescending(v => v.TryGetProperty("bitrate", out var b) && b.ValueKind == JsonValueKind.Number && b.TryGetInt64(out var bitrate) ? bitrate : 0)
            .Select(v => PlatformText.Of(v, "url"))
            .FirstOrDefault();
    }
}

/// <summary>Reading the Account Activity API's payloads: what a field must be, or the webhook answers 400.</summary>
internal static class XPayload
{
    /// <summary>An X id: digits (a user id or an event id), at most a few dozen.</summary>
    internal static string Id(string? value, string what) =>
        value is { Length: > 0 and <= 64 } && value.All(char.IsAsciiDigit) ? value : throw new XPayloadException($"{what} is missing or is not an X id.");

    internal static JsonElement Object(JsonElement parent, string property) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new XPayloadException($"{property} is missing or is not an object.");
}
