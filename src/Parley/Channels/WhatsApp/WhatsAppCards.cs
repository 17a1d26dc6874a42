using System.Text.Json.Nodes;
using Parley.Conversations;

namespace Parley.Channels.WhatsApp;

/// <summary>
/// Cards on WhatsApp, which has no free-form carousel of reply cards, in one message (one request: a retry never sends
/// half a carousel twice, and the receipts find the message by its one id):
/// one card with 1 to 3 choices is an interactive <c>button</c> message (its image as the header, its title, subtitle and
/// links in the body); several cards are an interactive <c>list</c>, a section per card with its choices as rows (no
/// images: WhatsApp lists have none) and the cards' titles, subtitles and links in the body; cards without choices go
/// as an image with a caption (one card) or as text; whatever does not fit goes as numbered text.
/// </summary>
public static class WhatsAppCards
{
    public const int MaxSectionTitle = 24;

    public static ComposedMessage Compose(string to, string? text, IReadOnlyList<MessageCard> cards)
    {
        var choices = MessageCard.Choices(cards);
        var warnings = new List<string>();
        if (cards.Count == 1)
        {
            var card = cards[0];
            if (choices.Count == 0)
            {
                var caption = CardText.Render(text, cards, Bold);
                return MessageCard.IsWebLink(card.ImageUrl)
                    ? WhatsAppMessages.Media(to, new ChannelMedia(MediaKind.Image, card.ImageUrl), caption)
                    : WhatsAppMessages.TextMessage(to, caption, []);
            }

            var body = CardText.Render(text, cards, Bold, numbered: false);
            var problem = ButtonProblem(body, choices);
            if (problem is null)
            {
                return new ComposedMessage(Buttons(to, card, body, choices), null, []);
            }

            warnings.Add(problem + "; sent as numbered text.");
        }
        else if (choices.Count > 0)
        {
            var body = CardText.Render(text, cards, Bold, numbered: false);
            var problem = ListProblem(body, choices);
            if (problem is null)
            {
                return new ComposedMessage(List(to, cards, body), null, []);
            }

            warnings.Add(problem + "; sent as numbered text.");
        }

        return WhatsAppMessages.TextMessage(to, CardText.Render(text, cards, Bold), warnings);
    }

    private static string Bold(string title) => $"*{title}*";

    private static string? ButtonProblem(string body, IReadOnlyList<MessageOption> choices)
    {
        if (choices.Count > WhatsAppRendering.MaxButtons)
        {
            return $"{choices.Count} choices on one card: WhatsApp shows at most {WhatsAppRendering.MaxButtons} reply buttons";
        }

        if (choices.FirstOrDefault(c => c.Title.Trim().Length is 0 or > WhatsAppRendering.MaxButtonTitle) is { } longer)
        {
            return $"The button '{longer.Title}' has {longer.Title.Length} characters: WhatsApp reply buttons take 1 to {WhatsAppRendering.MaxButtonTitle}";
        }

        return Shared(body, WhatsAppRendering.MaxButtonBody, choices, WhatsAppRendering.MaxButtonId);
    }

    private static string? ListProblem(string body, IReadOnlyList<MessageOption> choices)
    {
        if (choices.Count > WhatsAppRendering.MaxRows)
        {
            return $"{choices.Count} choices in all: WhatsApp lists take at most {WhatsAppRendering.MaxRows} rows";
        }

        if (choices.FirstOrDefault(c => c.Title.Trim().Length is 0 or > WhatsAppRendering.MaxRowTitle) is { } longer)
        {
            return $"The button '{longer.Title}' has {longer.Title.Length} characters: WhatsApp list rows take 1 to {WhatsAppRendering.MaxRowTitle}";
        }

        return Shared(body, WhatsAppRendering.MaxListBody, choices, WhatsAppRendering.MaxRowId);
    }

    private static string? Shared(string body, int maxBody, IReadOnlyList<MessageOption> choices, int maxId)
    {
        if (body.Length > maxBody)
        {
            return $"The cards' text has {body.Length} characters: WhatsApp takes at most {maxBody} with buttons";
        }

        if (choices.Any(c => c.Id.Length is 0 || c.Id.Length > maxId))
        {
            return $"A button's id has more than {maxId} characters";
        }

        return choices.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() == choices.Count
            && choices.Select(c => c.Title.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == choices.Count
            ? null
            : "Two buttons have the same id or title: WhatsApp needs each to be different";
    }

    private static JsonObject Buttons(string to, MessageCard card, string body, IReadOnlyList<MessageOption> choices)
    {
        var interactive = new JsonObject { ["type"] = "button" };
        if (MessageCard.IsWebLink(card.ImageUrl))
        {
            interactive["header"] = new JsonObject { ["type"] = "image", ["image"] = new JsonObject { ["link"] = card.ImageUrl } };
        }

        interactive["body"] = new JsonObject { ["text"] = body };
        interactive["action"] = new JsonObject
        {
            ["buttons"] = new JsonArray(choices
                .Select(c => (JsonNode)new JsonObject { ["type"] = "reply", ["reply"] = new JsonObject { ["id"] = c.Id, ["title"] = c.Title.Trim() } })
                .ToArray()),
        };
        return WhatsAppMessages.Envelope(to, "interactive", interactive);
    }

    private static JsonObject List(string to, IReadOnlyList<MessageCard> cards, string body)
    {
        var sections = cards
            .Select(c => (Card: c, Choices: MessageCard.Choices([c])))
            .Where(s => s.Choices.Count > 0)
            .Select(s => (JsonNode)new JsonObject
            {
                ["title"] = CardText.Cut(s.Card.Title.Trim(), MaxSectionTitle),
                ["rows"] = new JsonArray(s.Choices.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["title"] = c.Title.Trim() }).ToArray()),
            })
            .ToArray();
        return WhatsAppMessages.Envelope(to, "interactive", new JsonObject
        {
            ["type"] = "list",
            ["body"] = new JsonObject { ["text"] = body },
            ["action"] = new JsonObject { ["button"] = WhatsAppRendering.ListButton, ["sections"] = new JsonArray(sections) },
        });
    }
}
