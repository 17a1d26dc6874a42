using System.Text;
using Parley.Conversations;

namespace Parley.Channels.WhatsApp;

public enum OptionsLayout
{
    /// <summary>Interactive reply buttons: one tap, at most 3 short titles, no descriptions.</summary>
    Buttons,

    /// <summary>An interactive list: at most 10 rows with a title and a description each.</summary>
    List,

    /// <summary>Plain text that numbers the options; the bot accepts the number or the name as the answer.</summary>
    NumberedText,
}

/// <param name="Body">The text that goes with the options (for <see cref="OptionsLayout.NumberedText"/>, the whole message).</param>
/// <param name="Options">As WhatsApp will show them (descriptions cut to its limit).</param>
/// <param name="Warnings">What WhatsApp's limits changed, in words for the console.</param>
public sealed record RenderedOptions(OptionsLayout Layout, string Body, IReadOnlyList<MessageOption> Options, IReadOnlyList<string> Warnings);

/// <summary>
/// Fits a message with options to WhatsApp's interactive messages, never dropping an option: reply buttons when they
/// fit, else a list, else numbered text. Reply buttons show no descriptions, so options that have one go as a list.
/// </summary>
public static class WhatsAppRendering
{
    public const int MaxButtons = 3;
    public const int MaxButtonTitle = 20;
    public const int MaxButtonId = 256;
    public const int MaxButtonBody = 1024;
    public const int MaxRows = 10;
    public const int MaxRowTitle = 24;
    public const int MaxRowDescription = 72;
    public const int MaxRowId = 200;
    public const int MaxListBody = 4096;
    public const int MaxText = 4096;

    /// <summary>The label of the button that opens a list (WhatsApp takes at most 20 characters).</summary>
    public const string ListButton = "Choose";

    /// <summary>Interactive messages need a body; the bot's always has one, this covers an empty one.</summary>
    public const string DefaultBody = "Please choose:";

    public static RenderedOptions Options(string text, IReadOnlyList<MessageOption> options)
    {
        var body = string.IsNullOrWhiteSpace(text) ? DefaultBody : text;
        if (options.Count <= MaxButtons && body.Length <= MaxButtonBody
            && options.All(o => string.IsNullOrWhiteSpace(o.Description) && o.Title.Length <= MaxButtonTitle && o.Id.Length <= MaxButtonId)
            && Unique(options) && options.All(o => o.Title.Trim().Length > 0 && o.Id.Length > 0))
        {
            return new RenderedOptions(OptionsLayout.Buttons, body, options, []);
        }

        var problems = ListProblems(body, options);
        if (problems.Count == 0)
        {
            var warnings = new List<string>();
            var rows = options.Select(o =>
            {
                if (o.Description is { Length: > MaxRowDescription } description)
                {
                    warnings.Add($"The description of '{o.Title}' has {description.Length} characters: WhatsApp lists show at most {MaxRowDescription}; it was cut.");
                    return o with { Description = description[..(MaxRowDescription - 1)].TrimEnd() + "…" };
                }

                return string.IsNullOrWhiteSpace(o.Description) ? o with { Description = null } : o;
            }).ToList();
            return new RenderedOptions(OptionsLayout.List, body, rows, warnings);
        }

        return new RenderedOptions(OptionsLayout.NumberedText, Numbered(text, options), options,
            problems.Select(p => $"{p}; sent as numbered text.").ToList());
    }

    private static List<string> ListProblems(string body, IReadOnlyList<MessageOption> options)
    {
        var problems = new List<string>();
        if (options.Count > MaxRows)
        {
            problems.Add($"{options.Count} options: WhatsApp lists take at most {MaxRows}");
        }

        if (body.Length > MaxListBody)
        {
            problems.Add($"The text has {body.Length} characters: WhatsApp lists take at most {MaxListBody}");
        }

        foreach (var o in options)
        {
            if (o.Title.Length > MaxRowTitle)
            {
                problems.Add($"The option '{o.Title}' has {o.Title.Length} characters: WhatsApp list rows take at most {MaxRowTitle}");
            }
            else if (o.Title.Trim().Length == 0)
            {
                problems.Add("An option has no title: WhatsApp list rows need one");
            }

            if (o.Id.Length is 0 or > MaxRowId)
            {
                problems.Add($"The id of option '{o.Title}' has {o.Id.Length} characters: WhatsApp takes 1 to {MaxRowId}");
            }
        }

        if (!Unique(options))
        {
            problems.Add("Two options have the same id or title: WhatsApp needs each to be different");
        }

        return problems;
    }

    private static bool Unique(IReadOnlyList<MessageOption> options) =>
        options.Select(o => o.Id).Distinct(StringComparer.Ordinal).Count() == options.Count
        && options.Select(o => o.Title.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == options.Count;

    /// <summary>The options as lines the customer answers with a number or a name (<see cref="Bots.BotRuntime"/> takes both).</summary>
    public static string Numbered(string text, IReadOnlyList<MessageOption> options)
    {
        var builder = new StringBuilder(text.TrimEnd());
        if (builder.Length > 0)
        {
            builder.Append("\n\n");
        }

        for (var i = 0; i < options.Count; i++)
        {
            builder.Append(i + 1).Append(". ").Append(options[i].Title);
            if (!string.IsNullOrWhiteSpace(options[i].Description))
            {
                builder.Append(" — ").Append(options[i].Description);
            }

            builder.Append('\n');
        }

        return builder.Append("\nReply with the number or the name.").ToString();
    }
}
