using System.Text;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>
/// What an outbound message reads like in an X direct message. X's v2 DM API has no quick replies, so a picker's options
/// become a numbered list the customer answers with a number or a title (the bot maps
/// both), cards become their titles, subtitles and links with their choices numbered (<see cref="CardText"/>), media go
/// as links, and an advisor's reply is signed with their name.
/// </summary>
public static class XMessageText
{
    public const string AnswerHint = "Reply with the number or the name.";

    public static string Render(string? text, AuthorKind author, string? authorName, MessagePayload? payload)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(text))
        {
            parts.Add(text.Trim());
        }

        if (payload?.Options is { Count: > 0 } options)
        {
            parts.Add(NumberedOptions(options));
        }

        if (payload?.Cards is { Count: > 0 } cards)
        {
            parts.Add(CardText.Render(null, cards));
        }

        var links = payload?.Media?.Select(m => m.Url).Where(u => !string.IsNullOrWhiteSpace(u)).ToList() ?? [];
        if (links.Count > 0)
        {
            parts.Add(string.Join('\n', links));
        }

        if (author == AuthorKind.Advisor && !string.IsNullOrWhiteSpace(authorName) && parts.Count > 0)
        {
            parts.Add("— " + authorName.Trim());
        }

        return string.Join("\n\n", parts);
    }

    public static string Render(Message message, MessagePayload? payload) =>
        Render(message.Text, message.AuthorKind, message.AuthorName, payload);

    /// <summary>The text of the DM Parley sends for the message: none for a file, whose DM carries the uploaded media alone.</summary>
    public static string Sent(Message message, MessagePayload? payload) =>
        payload?.Attachment is not null ? string.Empty : Render(message, payload);

    /// <summary>"1. Parcels", "2. Bank"... one a line, then how to answer.</summary>
    public static string NumberedOptions(IReadOnlyList<MessageOption> options)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < options.Count; i++)
        {
            builder.Append(i + 1).Append(". ").Append(options[i].Title.Trim()).Append('\n');
        }

        return builder.Append(AnswerHint).ToString();
    }

    /// <summary>For comparing a text X echoed with one Parley sent: X may change line endings and trim.</summary>
    public static string Comparable(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
