using System.Text.Json.Nodes;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// Cards as Messenger's and Instagram's generic template (<c>attachment.type=template</c>, <c>template_type=generic</c>):
/// up to 10 elements, each a title and at least one more field (subtitle, image, default action, buttons), titles and
/// subtitles cut at 80 characters, up to 3 buttons (<c>postback</c> with the choice's id as payload, or <c>web_url</c>).
/// Cards that no template can hold (more than 10, more than 3 buttons, a card with only a title) go as numbered text.
/// </summary>
public static class MetaCards
{
    /// <summary>The template's attachment, or null with the reason when the cards do not fit one.</summary>
    public static JsonObject? Template(IReadOnlyList<MessageCard> cards, out string? problem)
    {
        problem = cards.Count > MetaSendRules.MaxCards
            ? $"{cards.Count} cards: a generic template takes at most {MetaSendRules.MaxCards}"
            : cards.FirstOrDefault(c => (c.Buttons?.Count ?? 0) > MetaSendRules.MaxCardButtons) is { } crowded
                ? $"The card '{crowded.Title}' has {crowded.Buttons!.Count} buttons: a generic template's take at most {MetaSendRules.MaxCardButtons}"
                : cards.FirstOrDefault(c => Element(c).Count < 2) is { } bare
                    ? $"The card '{bare.Title}' has only a title: a generic template's card needs a subtitle, an image, a link or a button too"
                    : null;
        if (problem is not null)
        {
            return null;
        }

        return new JsonObject
        {
            ["type"] = "template",
            ["payload"] = new JsonObject
            {
                ["template_type"] = "generic",
                ["elements"] = new JsonArray(cards.Select(c => (JsonNode)Element(c)).ToArray()),
            },
        };
    }

    private static JsonObject Element(MessageCard card)
    {
        var element = new JsonObject { ["title"] = CardText.Cut(card.Title.Trim(), MetaSendRules.MaxCardTitle) };
        if (!string.IsNullOrWhiteSpace(card.Subtitle))
        {
            element["subtitle"] = CardText.Cut(card.Subtitle.Trim(), MetaSendRules.MaxCardSubtitle);
        }

        if (MessageCard.IsWebLink(card.ImageUrl))
        {
            element["image_url"] = card.ImageUrl;
        }

        if (MessageCard.IsWebLink(card.Url))
        {
            element["default_action"] = new JsonObject { ["type"] = "web_url", ["url"] = card.Url };
        }

        var buttons = (card.Buttons ?? []).Select(Button).OfType<JsonNode>().ToArray();
        if (buttons.Length > 0)
        {
            element["buttons"] = new JsonArray(buttons);
        }

        return element;
    }

    private static JsonObject? Button(CardButton button)
    {
        var title = CardText.Cut(button.Title.Trim(), MetaSendRules.MaxCardButtonTitle);
        if (button.Url is not null)
        {
            return MessageCard.IsWebLink(button.Url) ? new JsonObject { ["type"] = "web_url", ["url"] = button.Url, ["title"] = title } : null;
        }

        return button.Id is null ? null : new JsonObject { ["type"] = "postback", ["title"] = title, ["payload"] = button.Id };
    }
}
