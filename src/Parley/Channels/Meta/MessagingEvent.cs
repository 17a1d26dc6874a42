using System.Globalization;
using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>What a Messenger or Instagram <c>messaging</c> event is.</summary>
public enum MessagingEventKind
{
    /// <summary>The customer wrote (text, attachments, a quick reply) or tapped a button (postback).</summary>
    Message,

    /// <summary>A message the page sent, echoed back (from Parley, or from another tool).</summary>
    Echo,
    Delivery,
    Read,

    /// <summary>The customer came through an ad or an m.me link without writing yet.</summary>
    Referral,

    /// <summary>Something Parley does not handle (reactions, opt-ins, edits...): logged, answered 200.</summary>
    Other,
}

/// <summary>One event of an entry's <c>messaging</c> array, read from Meta's documented format.</summary>
/// <param name="CustomerId">The PSID or IGSID of the customer (the sender, or the recipient of an echo).</param>
public sealed record MessagingEvent(
    MessagingEventKind Kind,
    string CustomerId,
    DateTime Timestamp,
    string? MessageId = null,
    string? Text = null,
    string? Picked = null,
    IReadOnlyList<ChannelMedia>? Media = null,
    string? Metadata = null,
    string? Referral = null,
    IReadOnlyList<string>? DeliveredIds = null,
    DateTime? Watermark = null,
    string? OtherName = null)
{
    /// <summary>
    /// The customer an event is about (what <see cref="Parse"/> gives as <see cref="CustomerId"/>), checked as Parse
    /// checks it: it throws where Parse throws, and reads nothing else. What a webhook's answer needs: the events are read
    /// in full when they are stored.
    /// </summary>
    /// <exception cref="MetaPayloadException">Not an event in Meta's format.</exception>
    public static string CustomerOf(JsonElement e)
    {
        var (sender, recipient, _) = Head(e);
        if (Object(e, "message") is not { } message)
        {
            return sender;
        }

        // A mid that PlatformText would read (a string or a number), without reading it.
        if (!message.TryGetProperty("mid", out var mid) || mid.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            throw NoMid();
        }

        return IsEcho(message) ? recipient : sender;
    }

    /// <exception cref="MetaPayloadException">Not an event in Meta's format.</exception>
    public static MessagingEvent Parse(JsonElement e)
    {
        var (sender, recipient, at) = Head(e);
        var referral = e.TryGetProperty("referral", out var r) && r.ValueKind == JsonValueKind.Object ? r.GetRawText() : null;

        if (Object(e, "message") is { } message)
        {
            var mid = PlatformText.Of(message, "mid") ?? throw NoMid();
            var echo = IsEcho(message);
            var quickReply = Object(message, "quick_reply") is { } q ? PlatformText.Of(q, "payload") : null;
            return new MessagingEvent(echo ? MessagingEventKind.Echo : MessagingEventKind.Message, echo ? recipient : sender, at, mid,
                PlatformText.Of(message, "text"), quickReply, Attachments(message), PlatformText.Of(message, "metadata"),
                Object(message, "referral")?.GetRawText() ?? referral);
        }

        if (Object(e, "postback") is { } postback)
        {
            var payload = PlatformText.Of(postback, "payload");
            var id = PlatformText.Of(postback, "mid") ?? $"postback:{sender}:{at.Ticks.ToString(CultureInfo.InvariantCulture)}:{payload}";
            return new MessagingEvent(MessagingEventKind.Message, sender, at, id, PlatformText.Of(postback, "title") ?? payload, payload,
                Referral: Object(postback, "referral")?.GetRawText() ?? referral);
        }

        if (Object(e, "delivery") is { } delivery)
        {
            var mids = delivery.TryGetProperty("mids", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(PlatformText.Read).OfType<string>().ToList()
                : [];
            return new MessagingEvent(MessagingEventKind.Delivery, sender, at, DeliveredIds: mids, Watermark: ReadWatermark(delivery));
        }

        if (Object(e, "read") is { } read)
        {
            return new MessagingEvent(MessagingEventKind.Read, sender, at, Watermark: ReadWatermark(read) ?? at);
        }

        if (referral is not null)
        {
            return new MessagingEvent(MessagingEventKind.Referral, sender, at, Referral: referral);
        }

        var other = e.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("sender" or "recipient" or "timestamp"));
        return new MessagingEvent(MessagingEventKind.Other, sender, at, OtherName: other);
    }

    /// <summary>What every event has: its sender, its recipient and its time.</summary>
    private static (string Sender, string Recipient, DateTime At) Head(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new MetaPayloadException("A messaging event is an object.");
        }

        var sender = Id(e, "sender") ?? throw new MetaPayloadException("A messaging event has sender.id.");
        var recipient = Id(e, "recipient") ?? throw new MetaPayloadException("A messaging event has recipient.id.");
        var at = e.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var ms) && ms is > 0 and < 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime
            : throw new MetaPayloadException("A messaging event has a timestamp in milliseconds.");
        return (sender, recipient, at);
    }

    private static bool IsEcho(JsonElement message) => message.TryGetProperty("is_echo", out var isEcho) && isEcho.ValueKind == JsonValueKind.True;

    private static MetaPayloadException NoMid() => new("A message has a mid.");

    private static List<ChannelMedia>? Attachments(JsonElement message)
    {
        if (!message.TryGetProperty("attachments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var media = new List<ChannelMedia>();
        foreach (var a in list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object))
        {
            var payload = Object(a, "payload");
            var url = payload is { } p ? PlatformText.Of(p, "url") : null;
            var kind = PlatformText.Of(a, "type") switch
            {
                "image" when payload is { } p2 && p2.TryGetProperty("sticker_id", out _) => MediaKind.Sticker,
                "image" => MediaKind.Image,
                "video" => MediaKind.Video,
                "audio" => MediaKind.Audio,
                "file" => MediaKind.File,
                "location" => MediaKind.Location,
                _ => MediaKind.Other,
            };
            var coordinates = payload is { } p3 ? Object(p3, "coordinates") : null;
            media.Add(new ChannelMedia(kind, url, Name: PlatformText.Of(a, "title"),
                Latitude: coordinates is { } c ? Number(c, "lat") : null, Longitude: coordinates is { } c2 ? Number(c2, "long") : null));
        }

        return media.Count == 0 ? null : media;
    }

    private static DateTime? ReadWatermark(JsonElement e) =>
        e.TryGetProperty("watermark", out var w) && w.ValueKind == JsonValueKind.Number && w.TryGetInt64(out var ms) && ms is > 0 and < 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime
            : null;

    private static string? Id(JsonElement e, string property) => Object(e, property) is { } o ? PlatformText.Of(o, "id") is { Length: > 0 and <= 128 } id ? id : null : null;

    private static JsonElement? Object(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static double? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
}
