using System.Text.Json.Nodes;
using Parley.Channels.Media;
using Parley.Conversations;

namespace Parley.Channels.WhatsApp;

/// <param name="Body">The request to POST to /{phone-number-id}/messages; null when the message cannot go (see <paramref name="Problem"/>).</param>
/// <param name="Warnings">What WhatsApp's limits changed (<see cref="WhatsAppRendering"/>).</param>
public sealed record ComposedMessage(JsonObject? Body, string? Problem, IReadOnlyList<string> Warnings)
{
    public static ComposedMessage Refused(string problem) => new(null, problem, []);
}

/// <summary>The Cloud API's request bodies (the Messages API of a business phone number), built from an outbound message.</summary>
public static class WhatsAppMessages
{
    public const int MaxCaption = 1024;

    public static ComposedMessage Compose(OutboundMessage outbound)
    {
        var to = outbound.RecipientId;
        var payload = outbound.Payload;
        if (payload?.Template is { } template)
        {
            return new ComposedMessage(Template(to, template), null, []);
        }

        var text = OutboundMessage.WithSignature(outbound.Message.Text ?? string.Empty, outbound.Author, outbound.Message.AuthorName);
        if (payload?.Cards is { Count: > 0 } cards)
        {
            return WhatsAppCards.Compose(to, string.IsNullOrWhiteSpace(outbound.Message.Text) ? null : text, cards);
        }

        if (payload?.Media is { Count: > 0 } media)
        {
            return media.Count == 1
                ? Media(to, media[0], string.IsNullOrWhiteSpace(outbound.Message.Text) || payload.Attachment is not null ? null : text)
                : ComposedMessage.Refused($"WhatsApp takes one media per message, this one has {media.Count}: send each in its own message.");
        }

        if (payload?.Options is { Count: > 0 } options)
        {
            var rendered = WhatsAppRendering.Options(text, options);
            return rendered.Layout == OptionsLayout.NumberedText
                ? TextMessage(to, rendered.Body, rendered.Warnings)
                : new ComposedMessage(Interactive(to, rendered), null, rendered.Warnings);
        }

        if (payload?.Attachment is not null)
        {
            // A stored file goes by its link (MediaLinks, as a media above), never as its name alone.
            return ComposedMessage.Refused(MediaLinks.NoPublicUrl);
        }

        return TextMessage(to, text, []);
    }

    internal static ComposedMessage TextMessage(string to, string text, IReadOnlyList<string> warnings)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ComposedMessage.Refused("An empty message cannot be sent to WhatsApp.");
        }

        return text.Length > WhatsAppRendering.MaxText
            ? ComposedMessage.Refused($"The text has {text.Length} characters: WhatsApp takes at most {WhatsAppRendering.MaxText} in a message.")
            : new ComposedMessage(Text(to, text), null, warnings);
    }

    public static JsonObject Text(string to, string body) =>
        Envelope(to, "text", new JsonObject { ["preview_url"] = false, ["body"] = body });

    public static JsonObject Interactive(string to, RenderedOptions rendered)
    {
        var action = rendered.Layout == OptionsLayout.Buttons
            ? new JsonObject
            {
                ["buttons"] = new JsonArray(rendered.Options
                    .Select(o => (JsonNode)new JsonObject { ["type"] = "reply", ["reply"] = new JsonObject { ["id"] = o.Id, ["title"] = o.Title } })
                    .ToArray()),
            }
            : new JsonObject
            {
                ["button"] = WhatsAppRendering.ListButton,
                ["sections"] = new JsonArray(new JsonObject { ["rows"] = new JsonArray(rendered.Options.Select(Row).ToArray()) }),
            };
        return Envelope(to, "interactive", new JsonObject
        {
            ["type"] = rendered.Layout == OptionsLayout.Buttons ? "button" : "list",
            ["body"] = new JsonObject { ["text"] = rendered.Body },
            ["action"] = action,
        });
    }

    private static JsonNode Row(MessageOption option)
    {
        var row = new JsonObject { ["id"] = option.Id, ["title"] = option.Title };
        if (option.Description is not null)
        {
            row["description"] = option.Description;
        }

        return row;
    }

    /// <summary>One image, video, audio, document, sticker or location, by WhatsApp media id or by link.</summary>
    public static ComposedMessage Media(string to, ChannelMedia media, string? caption)
    {
        if (caption is { Length: > MaxCaption })
        {
            return ComposedMessage.Refused($"The caption has {caption.Length} characters: WhatsApp takes at most {MaxCaption} with a media.");
        }

        if (media.Kind == MediaKind.Location)
        {
            if (media.Latitude is not { } latitude || media.Longitude is not { } longitude || caption is not null)
            {
                return ComposedMessage.Refused("A WhatsApp location needs a latitude and a longitude, and carries no text: send the text in its own message.");
            }

            var location = new JsonObject { ["latitude"] = latitude, ["longitude"] = longitude };
            if (!string.IsNullOrWhiteSpace(media.Name))
            {
                location["name"] = media.Name;
            }

            return new ComposedMessage(Envelope(to, "location", location), null, []);
        }

        var type = media.Kind switch
        {
            MediaKind.Image => "image",
            MediaKind.Video => "video",
            MediaKind.Audio => "audio",
            MediaKind.File => "document",
            MediaKind.Sticker => "sticker",
            _ => null,
        };
        if (type is null)
        {
            return ComposedMessage.Refused($"WhatsApp cannot send a media of kind {media.Kind.ToString().ToLowerInvariant()}.");
        }

        var content = new JsonObject();
        if (!string.IsNullOrWhiteSpace(media.MediaId))
        {
            content["id"] = media.MediaId;
        }
        else if (Uri.TryCreate(media.Url, UriKind.Absolute, out var link) && link.Scheme is "https" or "http")
        {
            content["link"] = link.ToString();
        }
        else
        {
            return ComposedMessage.Refused("The media has neither a WhatsApp media id nor a public link to send.");
        }

        if (caption is not null)
        {
            if (type is "audio" or "sticker")
            {
                return ComposedMessage.Refused($"WhatsApp shows no text with {(type == "audio" ? "an audio" : "a sticker")}: send the text in its own message.");
            }

            content["caption"] = caption;
        }

        if (type == "document" && !string.IsNullOrWhiteSpace(media.Name))
        {
            content["filename"] = media.Name;
        }

        return new ComposedMessage(Envelope(to, type, content), null, []);
    }

    /// <summary>An approved template, its body parameters filled in: the only message that may go outside the 24-hour window.</summary>
    public static JsonObject Template(string to, TemplateUse template)
    {
        var content = new JsonObject { ["name"] = template.Name, ["language"] = new JsonObject { ["code"] = template.Language } };
        if (template.Parameters.Count > 0)
        {
            var parameters = template.Parameters.Select(p => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = p }).ToArray();
            content["components"] = new JsonArray(new JsonObject { ["type"] = "body", ["parameters"] = new JsonArray(parameters) });
        }

        return Envelope(to, "template", content);
    }

    /// <summary>Marks a customer's message read (blue ticks) on the business phone number.</summary>
    public static JsonObject MarkRead(string wamid) =>
        new() { ["messaging_product"] = "whatsapp", ["status"] = "read", ["message_id"] = wamid };

    internal static JsonObject Envelope(string to, string type, JsonObject content) => new()
    {
        ["messaging_product"] = "whatsapp",
        ["recipient_type"] = "individual",
        ["to"] = to,
        ["type"] = type,
        [type] = content,
    };
}
