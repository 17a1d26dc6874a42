using System.Text.RegularExpressions;
using Parley.Channels;

namespace Parley.Bots.Flows;

public sealed partial class FlowValidator
{
    /// <summary>What a step's cards need: a title each, links that are web links, choice buttons told apart; only message steps send them.</summary>
    private void CheckCards(FlowStep step, HashSet<string> known, List<FlowProblem> problems)
    {
        void Error(string message) => problems.Add(new FlowProblem(ProblemSeverity.Error, step.Id, message));
        if (step.Cards.Count == 0)
        {
            return;
        }

        if (step.Type != StepKind.Message)
        {
            Error("Only message steps send cards.");
            return;
        }

        if (step.Options.Count > 0)
        {
            Error("A message sends options or cards, not both: put the choices on the cards' buttons.");
        }

        if (step.ImageUrl is not null)
        {
            Error("A message sends an image or cards, not both: give the cards their images.");
        }

        foreach (var (card, index) in step.Cards.Select((c, i) => (c, i + 1)))
        {
            var name = string.IsNullOrWhiteSpace(card.Title) ? $"Card {index}" : $"The card '{card.Title}'";
            if (string.IsNullOrWhiteSpace(card.Title))
            {
                Error($"Card {index} has no title.");
            }

            CheckTemplate(card.Title, $"card {index} title", step.Id, known, problems);
            CheckTemplate(card.Subtitle, $"card {index} subtitle", step.Id, known, problems);
            CheckLink(card.ImageUrl, $"{name}: the image_url", step, known, problems);
            CheckLink(card.Url, $"{name}: the url", step, known, problems);
            foreach (var button in card.Buttons)
            {
                if (string.IsNullOrWhiteSpace(button.Title))
                {
                    Error($"{name} has a button without a title.");
                }

                CheckTemplate(button.Title, $"{name}: a button", step.Id, known, problems);
                CheckLink(button.Url, $"{name}: the button '{button.Title}' url", step, known, problems);
                if (button.IsLink && (button.Next is not null || button.Id is not null))
                {
                    Error($"{name}: the button '{button.Title}' opens a link; it has no id and leads to no step.");
                }
            }
        }

        var keys = step.Cards.SelectMany(c => c.Buttons).Where(b => !b.IsLink).GroupBy(b => b.Key, StringComparer.Ordinal);
        foreach (var duplicate in keys.Where(g => g.Count() > 1))
        {
            Error($"Two card buttons have the id '{duplicate.Key}': give each its own id.");
        }
    }

    /// <summary>A link must be a web link (https://, or http://); templates in it are checked, and one that is all template is taken on trust.</summary>
    private void CheckLink(string? url, string what, FlowStep step, HashSet<string> known, List<FlowProblem> problems)
    {
        if (url is null)
        {
            return;
        }

        CheckTemplate(url, what, step.Id, known, problems);
        var trimmed = url.Trim();
        if (trimmed.StartsWith("{{", StringComparison.Ordinal))
        {
            return;
        }

        var sample = TemplateParts().Replace(trimmed, "x");
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            problems.Add(new FlowProblem(ProblemSeverity.Error, step.Id, $"{what} '{url}' is not a web link (https://...)."));
        }
    }

    /// <summary>What each channel will do with a step's cards: numbered text past its limits, cut titles, no cards at all on X.</summary>
    private static void CheckCardLimits(FlowStep step, ChannelLimits limits, Action<FlowStep, string> warn)
    {
        if (step.Cards.Count == 0)
        {
            return;
        }

        var cards = limits.Cards;
        if (!cards.Native)
        {
            warn(step, $"no cards: {cards.Rendering}.");
            return;
        }

        var choices = step.Cards.Sum(c => c.Buttons.Count(b => !b.IsLink));
        if (step.Cards.Count > cards.MaxCards)
        {
            warn(step, $"{step.Cards.Count} cards are more than the {cards.MaxCards} it shows; they are sent as numbered text.");
        }
        else if (choices > cards.MaxChoices)
        {
            warn(step, $"{choices} choice buttons in all are more than the {cards.MaxChoices} it shows; they are sent as numbered text.");
        }

        foreach (var card in step.Cards)
        {
            // WhatsApp's limit of buttons is a lone card's (reply buttons); several cards make a list, bounded by rows in all.
            var buttons = limits.Channel == ChannelKind.WhatsApp && step.Cards.Count > 1 ? int.MaxValue : cards.MaxButtons;
            if (card.Buttons.Count > buttons)
            {
                warn(step, $"the card '{card.Title}' has {card.Buttons.Count} buttons, more than the {buttons} it shows; the cards are sent as numbered text.");
            }

            if (card.Title.Length > cards.MaxTitle)
            {
                warn(step, $"the card title '{card.Title}' is cut at {cards.MaxTitle} characters.");
            }

            if (card.Subtitle?.Length > cards.MaxSubtitle)
            {
                warn(step, $"the subtitle of '{card.Title}' is cut at {cards.MaxSubtitle} characters.");
            }

            if (card.Buttons.Find(b => b.Title.Length > cards.MaxButtonTitle) is { } longer)
            {
                warn(step, $"the button '{longer.Title}' is longer than the {cards.MaxButtonTitle} characters a button shows.");
            }
        }
    }

    [GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", RegexOptions.Singleline)]
    private static partial Regex TemplateParts();
}
