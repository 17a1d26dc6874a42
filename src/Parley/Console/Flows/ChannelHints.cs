using Parley.Bots.Flows;
using Parley.Channels;

namespace Parley.Console.Flows;

/// <summary>
/// One line per channel on what it will show of a step, from <see cref="ChannelLimits"/>: the same arithmetic the validator
/// warns with, told before the channel manager saves.
/// </summary>
public static class ChannelHints
{
    public static IReadOnlyList<string> For(FlowStep step)
    {
        if (string.IsNullOrEmpty(step.Text) && step.Options.Count == 0 && step.Cards.Count == 0)
        {
            return [];
        }

        return ChannelLimits.All.Select(l => $"{Name(l.Channel)}: {Line(step, l)}").ToList();
    }

    private static string Line(FlowStep step, ChannelLimits limits)
    {
        var parts = new List<string>();
        var length = step.Text?.Length ?? 0;
        parts.Add(length > limits.MaxText ? $"the text ({length} characters) is cut at {limits.MaxText}" : $"text up to {limits.MaxText} characters");
        if (step.Options.Count > 0)
        {
            var list = step.Style == OptionsStyle.List && limits.MaxListRows > 0;
            var (most, title) = list ? (limits.MaxListRows, limits.MaxListTitle) : (limits.MaxQuickReplies, limits.MaxQuickReplyTitle);
            parts.Add(list ? $"a list of {most} rows max, titles {title} chars" : $"{most} buttons max, titles {title} chars");
            if (step.Style == OptionsStyle.List && !list)
            {
                parts.Add("no lists: buttons instead");
            }

            if (step.Options.Count > most)
            {
                parts.Add($"{step.Options.Count} options will be sent as numbered lines");
            }
            else if (step.Options.Find(o => o.Title.Length > title) is { } longer)
            {
                parts.Add($"'{longer.Title}' will be cut");
            }
        }

        if (step.Cards.Count > 0)
        {
            parts.Add(Cards(step, limits.Cards));
        }

        if (step.ImageUrl is not null && !limits.Images)
        {
            parts.Add("no images");
        }

        return string.Join("; ", parts);
    }

    /// <summary>How the channel shows the cards, its limits, and what of this step's cards goes past them.</summary>
    private static string Cards(FlowStep step, CardLimits limits)
    {
        if (!limits.Native)
        {
            return $"cards as {limits.Rendering}";
        }

        var line = $"cards as {limits.Rendering}: {limits.MaxCards} cards max, titles {limits.MaxTitle} chars, subtitles {limits.MaxSubtitle}, "
            + $"{limits.MaxButtons} buttons a card of {limits.MaxButtonTitle} chars";
        var choices = step.Cards.Sum(c => c.Buttons.Count(b => !b.IsLink));
        if (step.Cards.Count > limits.MaxCards || choices > limits.MaxChoices)
        {
            line += $"; these {step.Cards.Count} cards will be sent as numbered text";
        }
        else if (step.Cards.Find(c => c.Title.Length > limits.MaxTitle || c.Subtitle?.Length > limits.MaxSubtitle) is { } longer)
        {
            line += $"; '{longer.Title}' will be cut";
        }

        return line;
    }

    private static string Name(ChannelKind channel) => channel == ChannelKind.WebMessaging ? "Web chat" : channel.ToString();
}
