using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The WhatsApp Cloud API's messages endpoint (POST /{phone number id}/messages): text, interactive reply buttons and
/// lists, approved templates, media and locations, or marking a customer's message read (with a typing indicator).
/// Outside the customer's 24-hour window only a template is delivered: another message is accepted, then reported failed
/// (131047), as WhatsApp does.
/// </summary>
public sealed class WhatsAppSends(SimulatorState state, SimulatedReceipts receipts)
{
    public ApiAnswer Send(ConnectionCredentials connection, JsonElement body)
    {
        if (Text(body, "messaging_product") != "whatsapp")
        {
            return ApiAnswer.GraphParameter("The parameter messaging_product is required and must be \"whatsapp\".");
        }

        if (Text(body, "status") is { } status)
        {
            return MarkRead(body, status);
        }

        var to = Text(body, "to")?.TrimStart('+');
        if (!SimulatedNetworks.IsValidCustomerId(to))
        {
            return ApiAnswer.GraphParameter("The parameter to is required: the customer's phone number.");
        }

        var type = Text(body, "type") ?? "text";
        var message = type switch
        {
            "text" => TextMessage(body),
            "interactive" => Interactive(body),
            "template" => Template(connection, body),
            "image" or "video" or "audio" or "document" or "sticker" => Media(body, type),
            "location" => Location(body),
            _ => Bad($"Param type must be text, interactive, template, image, video, audio, document, sticker or location, not '{type}'."),
        };
        if (message.Message is not { } parsed)
        {
            return message.Problem!;
        }

        var customer = Recipient(state, ChannelKind.WhatsApp, to!);
        var now = state.Clock.GetUtcNow();
        var outside = type != "template" && LastCustomerMessage(state, customer) is { } last && now - last > TimeSpan.FromHours(24);
        var id = SimulatedNetworks.NewMessageId(ChannelKind.WhatsApp);
        state.Add(customer, new SimMessage
        {
            Id = id,
            FromCustomer = false,
            At = now,
            Text = parsed.Text,
            Style = parsed.Style,
            Choices = parsed.Choices,
            ListButton = parsed.ListButton,
            MediaKind = parsed.MediaKind,
            MediaUrl = parsed.MediaUrl,
            Template = parsed.Template,
            Status = outside ? SimStatus.Failed : SimStatus.Sent,
            Failure = outside ? new SimFailure(131047, "Re-engagement message") : null,
        });
        receipts.Wake(customer);
        var messageNode = new JsonObject { ["id"] = id };
        if (type == "template")
        {
            messageNode["message_status"] = "accepted";
        }

        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray(new JsonObject { ["input"] = Text(body, "to"), ["wa_id"] = to }),
            ["messages"] = new JsonArray(messageNode),
        });
    }

    /// <summary>{"status": "read", "message_id"}: the customer's messages up to it show blue ticks; a typing_indicator shows the brand typing.</summary>
    private ApiAnswer MarkRead(JsonElement body, string status)
    {
        var messageId = Text(body, "message_id");
        var customer = messageId is null ? null
            : state.Customers(ChannelKind.WhatsApp).FirstOrDefault(c => state.Read(() => c.Messages.Any(m => m.FromCustomer && m.Id == messageId)));
        if (status != "read" || customer is null)
        {
            return ApiAnswer.GraphParameter("Expected status \"read\" and the message_id of a message the customer sent.");
        }

        var typing = Member(body, "typing_indicator") is not null;
        state.Change(customer, c =>
        {
            var upTo = c.Messages.FindIndex(m => m.Id == messageId);
            c.Messages.Take(upTo + 1).Where(m => m.FromCustomer && m.Status == SimStatus.Sent).ToList().ForEach(m => m.Status = SimStatus.Read);
            if (typing)
            {
                c.TypingUntil = state.Clock.GetUtcNow().AddSeconds(25);
            }

            return true;
        });
        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["success"] = true });
    }

    private sealed record Parsed(string? Text, ChoiceStyle Style = ChoiceStyle.None, IReadOnlyList<SimChoice>? Options = null, string? ListButton = null,
        string? MediaKind = null, string? MediaUrl = null, string? Template = null)
    {
        public IReadOnlyList<SimChoice> Choices => Options ?? [];
    }

    private static (Parsed? Message, ApiAnswer? Problem) Bad(string problem) => (null, ApiAnswer.GraphParameter(problem));

    private static (Parsed? Message, ApiAnswer? Problem) TextMessage(JsonElement body)
    {
        var text = Member(body, "text") is { } t ? Text(t, "body") : null;
        return text is { Length: > 0 and <= 4096 } ? (new Parsed(text), null) : Bad("text.body must have 1 to 4096 characters.");
    }

    private static (Parsed? Message, ApiAnswer? Problem) Interactive(JsonElement body)
    {
        var interactive = Member(body, "interactive");
        var kind = interactive is { } i ? Text(i, "type") : null;
        var text = interactive is { } j && Member(j, "body") is { } b ? Text(b, "text") : null;
        var action = interactive is { } k ? Member(k, "action") : null;
        if (kind is not ("button" or "list") || text is not { Length: > 0 and <= 1024 } || action is not { } a)
        {
            return Bad("interactive needs a type (button or list), a body.text of 1 to 1024 characters and an action.");
        }

        var header = Member(interactive!.Value, "header") is { } h ? Text(h, "text") : null;
        var headerImage = Member(interactive.Value, "header") is { } hi && Member(hi, "image") is { } img ? Text(img, "link") ?? Text(img, "id") : null;
        var footer = Member(interactive.Value, "footer") is { } f ? Text(f, "text") : null;
        var shown = string.Join("\n", new[] { header, text, footer }.OfType<string>());
        if (kind == "button")
        {
            var buttons = (Items(a, "buttons")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
                .Select(x => Member(x, "reply") is { } r ? new SimChoice(Text(r, "id") ?? string.Empty, Text(r, "title") ?? string.Empty) : null).ToList();
            return buttons.Count is >= 1 and <= 3 && buttons.All(x => x is { Id.Length: > 0 and <= 256, Title.Length: > 0 and <= 20 })
                ? (new Parsed(shown, ChoiceStyle.ReplyButtons, buttons!, MediaKind: headerImage is null ? null : "image", MediaUrl: headerImage), null)
                : Bad("action.buttons has 1 to 3 buttons of type reply, each with an id and a title of at most 20 characters.");
        }

        var rows = (Items(a, "sections")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            .SelectMany(s => Items(s, "rows")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            .Select(r => new SimChoice(Text(r, "id") ?? string.Empty, Text(r, "title") ?? string.Empty, Text(r, "description"))).ToList();
        var button = Text(a, "button");
        return button is { Length: > 0 and <= 20 } && rows.Count is >= 1 and <= 10
            && rows.All(r => r is { Id.Length: > 0 and <= 200, Title.Length: > 0 and <= 24 } && (r.Description?.Length ?? 0) <= 72)
            ? (new Parsed(shown, ChoiceStyle.List, rows, button), null)
            : Bad("A list has an action.button of at most 20 characters and 1 to 10 rows, each with an id, a title of at most 24 and a description of at most 72 characters.");
    }

    /// <summary>An approved template of the number, its body filled with the parameters (a problem starting with { or #: 132001 or 132000).</summary>
    private static (Parsed? Message, ApiAnswer? Problem) Template(ConnectionCredentials connection, JsonElement body)
    {
        var template = Member(body, "template");
        var name = template is { } t ? Text(t, "name") : null;
        var language = template is { } u && Member(u, "language") is { } l ? Text(l, "code") : null;
        if (name is null || language is null)
        {
            return Bad("template needs a name and a language.code.");
        }

        var approved = connection.Settings.Templates.FirstOrDefault(m => m.Name == name && m.Language == language);
        if (approved is null)
        {
            return (null, ApiAnswer.Graph(StatusCodes.Status404NotFound, 132001,
                $"(#132001) Template name does not exist in the translation: {name} ({language}) is not an approved template of this number."));
        }

        var parameters = (Items(template!.Value, "components")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            .Where(c => Text(c, "type") == "body")
            .SelectMany(c => Items(c, "parameters")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            .Select(p => Text(p, "text") ?? string.Empty).ToList();
        if (parameters.Count != approved.ParameterCount)
        {
            return (null, ApiAnswer.Graph(StatusCodes.Status400BadRequest, 132000, string.Create(CultureInfo.InvariantCulture,
                $"(#132000) Number of parameters does not match the expected number of params: {name} takes {approved.ParameterCount}, {parameters.Count} given.")));
        }

        return (new Parsed(approved.Render(parameters), Template: $"{name} ({language})"), null);
    }

    private static (Parsed? Message, ApiAnswer? Problem) Media(JsonElement body, string type)
    {
        var media = Member(body, type);
        var link = media is { } m ? Text(m, "link") ?? Text(m, "id") : null;
        return link is null
            ? Bad($"{type} needs a link or a media id.")
            : (new Parsed(Text(media!.Value, "caption") ?? Text(media.Value, "filename"), MediaKind: type, MediaUrl: link), null);
    }

    private static (Parsed? Message, ApiAnswer? Problem) Location(JsonElement body)
    {
        var location = Member(body, "location");
        if (location is not { } l || !l.TryGetProperty("latitude", out var lat) || !l.TryGetProperty("longitude", out var lon))
        {
            return Bad("location needs a latitude and a longitude.");
        }

        var name = Text(l, "name") ?? Text(l, "address");
        return (new Parsed($"📍 {name ?? "Location"} ({lat.GetRawText()}, {lon.GetRawText()})", MediaKind: "location"), null);
    }
}
