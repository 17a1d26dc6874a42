using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;
using Parley.Conversations;

namespace Parley.Channels.WhatsApp;

/// <summary>A customer's WhatsApp message as Parley stores it.</summary>
/// <param name="From">The customer's WhatsApp id (wa_id, a phone number in digits).</param>
/// <param name="Wamid">WhatsApp's id of the message: a retried webhook carries the same one.</param>
/// <param name="ReplyTo">The id of the option the customer picked (a list row, a reply button, a template's quick reply).</param>
/// <param name="EntryPoint">The click-to-WhatsApp ad the conversation came from, as JSON.</param>
public sealed record WhatsAppIncoming(
    string From, string Wamid, ContentType ContentType, string? Text, string? ReplyTo = null, MessagePayload? Payload = null, string? EntryPoint = null);

/// <summary>A status of a message the business sent; <see cref="Status"/> is null for one Parley does not track (sent, deleted).</summary>
public sealed record WhatsAppStatus(string Wamid, DeliveryStatus? Status, string? Failure);

/// <summary>
/// Reads the <c>messages</c> and <c>statuses</c> of a WhatsApp webhook change. Ids must be there (a message without its
/// wamid or sender is not WhatsApp's format: 400); content is read leniently, and a type Parley cannot show is stored as
/// a text saying what it was, so no customer message is lost.
/// </summary>
public static class WhatsAppInbound
{
    /// <summary>Longer ids are not WhatsApp's (wamids are about 60 characters) and would not fit the database's indexes.</summary>
    public const int MaxIdLength = 256;

    public static WhatsAppIncoming Message(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new MetaPayloadException("Each of value.messages is an object.");
        }

        var from = Id(message, "from", "message");
        var wamid = Id(message, "id", "message");
        var type = Short(PlatformText.Of(message, "type")) ?? "unknown";
        var content = message.TryGetProperty(type, out var c) ? c : default;
        var incoming = type switch
        {
            "text" => Text(PlatformText.Of(content, "body")),
            "image" => Media(MediaKind.Image, content),
            "video" => Media(MediaKind.Video, content),
            "audio" => Media(MediaKind.Audio, content),
            "document" => Media(MediaKind.File, content),
            "sticker" => Media(MediaKind.Sticker, content),
            "location" => Location(content),
            "contacts" => Contacts(content),
            "interactive" => Interactive(content),
            "button" => Picked(PlatformText.Of(content, "payload"), PlatformText.Of(content, "text")),
            "reaction" => Text(PlatformText.Of(content, "emoji") is { Length: > 0 } emoji ? $"Reacted {emoji} to a message" : "Removed a reaction"),
            "system" => Text(PlatformText.Of(content, "body")),
            "unsupported" => Text($"(A message WhatsApp does not deliver to businesses: {UnsupportedKind(message, content)})"),
            _ => null,
        };
        incoming ??= Text($"(A WhatsApp message of type '{type}' that Parley cannot show)");
        return incoming with { From = from, Wamid = wamid, EntryPoint = Referral(message) };
    }

    public static WhatsAppStatus Status(JsonElement status)
    {
        if (status.ValueKind != JsonValueKind.Object)
        {
            throw new MetaPayloadException("Each of value.statuses is an object.");
        }

        var wamid = Id(status, "id", "status");
        var state = PlatformText.Of(status, "status") switch
        {
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "failed" => DeliveryStatus.Failed,
            _ => (DeliveryStatus?)null,
        };
        var failure = state == DeliveryStatus.Failed ? Errors(status) ?? "WhatsApp reported the message failed, without a reason." : null;
        return new WhatsAppStatus(wamid, state, failure);
    }

    /// <summary>The first of an <c>errors</c> array, as the advisor reads it; null when there is none.</summary>
    public static string? Errors(JsonElement holder)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty("errors", out var errors)
            || errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0 || errors[0].ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var error = errors[0];
        int? code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
        var details = error.TryGetProperty("error_data", out var data) ? PlatformText.Of(data, "details") : null;
        return WhatsAppErrors.Describe(code, PlatformText.Of(error, "title") ?? PlatformText.Of(error, "message"), details);
    }

    private static string Id(JsonElement holder, string property, string what) =>
        PlatformText.Of(holder, property) is { Length: > 0 and <= MaxIdLength } id && id.Trim().Length == id.Length
            ? id
            : throw new MetaPayloadException($"A {what} without a valid '{property}' (a string of 1 to {MaxIdLength} characters).");

    private static WhatsAppIncoming Text(string? text) => new(string.Empty, string.Empty, ContentType.Text, text ?? string.Empty);

    private static WhatsAppIncoming Picked(string? id, string? title) =>
        new(string.Empty, string.Empty, ContentType.Text, title ?? id ?? string.Empty, string.IsNullOrEmpty(id) ? null : id);

    private static WhatsAppIncoming? Interactive(JsonElement content)
    {
        var kind = PlatformText.Of(content, "type");
        if (kind is "list_reply" or "button_reply" && content.TryGetProperty(kind, out var reply))
        {
            return Picked(PlatformText.Of(reply, "id"), PlatformText.Of(reply, "title"));
        }

        // A WhatsApp Flow's answer: its summary text is what the customer saw.
        return kind == "nfm_reply" && content.TryGetProperty(kind, out var form) ? Text(PlatformText.Of(form, "body") ?? "(A WhatsApp form reply)") : null;
    }

    private static WhatsAppIncoming Media(MediaKind kind, JsonElement content)
    {
        var media = new ChannelMedia(kind, MediaId: Short(PlatformText.Of(content, "id")), Name: PlatformText.Of(content, "filename"),
            MimeType: Short(PlatformText.Of(content, "mime_type")));
        return new WhatsAppIncoming(string.Empty, string.Empty, ContentType.Media, PlatformText.Of(content, "caption"), Payload: new MessagePayload(Media: [media]));
    }

    private static WhatsAppIncoming Location(JsonElement content)
    {
        var name = PlatformText.Of(content, "name");
        var address = PlatformText.Of(content, "address");
        var text = string.Join(", ", new[] { name, address }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var url = PlatformText.Of(content, "url");
        var media = new ChannelMedia(MediaKind.Location, Url: Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? url : null,
            Name: name ?? address, Latitude: Coordinate(content, "latitude", 90), Longitude: Coordinate(content, "longitude", 180));
        return new WhatsAppIncoming(string.Empty, string.Empty, ContentType.Media, text.Length == 0 ? null : text, Payload: new MessagePayload(Media: [media]));
    }

    private static WhatsAppIncoming Contacts(JsonElement content)
    {
        var cards = new List<(string Name, string? Phone)>();
        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var card in content.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Take(20))
            {
                var name = card.TryGetProperty("name", out var n) ? PlatformText.Of(n, "formatted_name") : null;
                var phone = card.TryGetProperty("phones", out var phones) && phones.ValueKind == JsonValueKind.Array && phones.GetArrayLength() > 0
                    ? PlatformText.Of(phones[0], "phone")
                    : null;
                cards.Add((name ?? phone ?? "Unnamed contact", phone));
            }
        }

        var text = cards.Count == 0 ? "(A shared contact card)" : "Shared contact: " + string.Join("; ", cards.Select(c => c.Phone is null || c.Name == c.Phone ? c.Name : $"{c.Name} {c.Phone}"));
        var media = cards.Select(c => new ChannelMedia(MediaKind.Contact, Name: c.Name)).ToList();
        return new WhatsAppIncoming(string.Empty, string.Empty, ContentType.Media, text, Payload: media.Count == 0 ? null : new MessagePayload(Media: media));
    }

    private static string UnsupportedKind(JsonElement message, JsonElement content) =>
        Short(PlatformText.Of(content, "type")) ?? Errors(message) ?? "unknown type";

    /// <summary>The click-to-WhatsApp ad the customer came from, kept as the conversation's entry point.</summary>
    private static string? Referral(JsonElement message)
    {
        if (!message.TryGetProperty("referral", out var referral) || referral.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var entry = new JsonObject { ["channel"] = "whatsapp" };
        foreach (var field in new[] { "source_type", "source_id", "source_url", "headline", "body", "media_type", "image_url", "video_url", "thumbnail_url", "ctwa_clid" })
        {
            if (PlatformText.Of(referral, field) is { Length: > 0 } value)
            {
                entry[field] = value.Length > 2000 ? value[..2000] : value;
            }
        }

        return entry.ToJsonString();
    }

    private static double? Coordinate(JsonElement content, string property, double limit)
    {
        if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty(property, out var value))
        {
            return null;
        }

        double number;
        if (value.ValueKind == JsonValueKind.Number ? !value.TryGetDouble(out number)
            : value.ValueKind != JsonValueKind.String || !double.TryParse(PlatformText.Read(value), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return null;
        }

        return double.IsFinite(number) && Math.Abs(number) <= limit ? number : null;
    }

    /// <summary>A short platform word (a type, a mime type, a media id), or null when it is not one.</summary>
    private static string? Short(string? value) => value is { Length: > 0 and <= 100 } ? value : null;
}
