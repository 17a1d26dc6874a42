using System.Text;
using Parley.Conversations;

namespace Parley.Channels;

/// <summary>
/// Cards as plain text, for a channel (or a layout) without them: each card's title, subtitle and links, its choices
/// numbered across all the cards in order, as the flow numbers them, so the customer answers with the number or the name.
/// </summary>
public static class CardText
{
    public const string AnswerHint = "Reply with the number or the name.";

    /// <param name="emphasis">How a card's title stands out (WhatsApp's *bold*); plain when null.</param>
    /// <param name="numbered">False leaves the choices out (a layout that shows them as buttons or rows).</param>
    public static string Render(string? text, IReadOnlyList<MessageCard> cards, Func<string, string>? emphasis = null, bool numbered = true)
    {
        var blocks = new List<string>();
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(text.Trim());
        }

        var number = 0;
        foreach (var card in cards)
        {
            var block = new StringBuilder(emphasis is null ? card.Title.Trim() : emphasis(card.Title.Trim()));
            if (!string.IsNullOrWhiteSpace(card.Subtitle))
            {
                block.Append('\n').Append(card.Subtitle.Trim());
            }

            if (MessageCard.IsWebLink(card.Url))
            {
                block.Append('\n').Append(card.Url);
            }

            foreach (var button in card.Buttons ?? [])
            {
                if (button.Url is not null)
                {
                    if (MessageCard.IsWebLink(button.Url))
                    {
                        block.Append('\n').Append(button.Title.Trim()).Append(": ").Append(button.Url);
                    }
                }
                else if (numbered && button.Id is not null)
                {
                    block.Append('\n').Append(++number).Append(". ").Append(button.Title.Trim());
                }
            }

            blocks.Add(block.ToString());
        }

        if (number > 0)
        {
            blocks.Add(AnswerHint);
        }

        return string.Join("\n\n", blocks);
    }

    /// <summary>A text cut to <paramref name="max"/> characters, an ellipsis marking the cut.</summary>
    public static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");
}
