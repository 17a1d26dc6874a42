using System.Globalization;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>How a Messenger or Instagram message goes out under Meta's rules: inside the 24-hour window as a response,
/// after it with the HUMAN_AGENT tag for an advisor for up to 7 days, never for the bot.</summary>
public sealed record MessagingTerms(string MessagingType, string? Tag);

/// <summary>The pure rules of Messenger and Instagram sending: windows, what a list picker becomes, and Graph errors.</summary>
public static class MetaSendRules
{
    public static readonly TimeSpan StandardWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan HumanAgentWindow = TimeSpan.FromDays(7);

    /// <summary>Messenger's quick replies: at most 13, titles of at most 20 characters.</summary>
    public const int MaxQuickReplies = 13;
    public const int MaxQuickReplyTitle = 20;

    /// <summary>Messenger's and Instagram's text limit.</summary>
    public const int MaxText = 2000;

    /// <summary>The generic template: at most 10 elements, titles and subtitles of 80 characters, 3 buttons of 20.</summary>
    public const int MaxCards = 10;
    public const int MaxCardTitle = 80;
    public const int MaxCardSubtitle = 80;
    public const int MaxCardButtons = 3;
    public const int MaxCardButtonTitle = 20;

    /// <summary>The terms a message goes with now, or why it cannot go (the reason shown to the advisor).</summary>
    public static (MessagingTerms? Terms, string? Refusal) Terms(AuthorKind author, DateTime? lastCustomerMessageAt, DateTime now)
    {
        var since = lastCustomerMessageAt is { } at ? now - at : TimeSpan.MaxValue;
        if (since <= StandardWindow)
        {
            return (new MessagingTerms("RESPONSE", null), null);
        }

        var last = lastCustomerMessageAt is { } t ? $" (the customer last wrote {t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)" : string.Empty;
        if (author != AuthorKind.Advisor)
        {
            return (null, $"Outside the 24-hour messaging window{last}: the bot does not write after it.");
        }

        return since <= HumanAgentWindow
            ? (new MessagingTerms("MESSAGE_TAG", "HUMAN_AGENT"), null)
            : (null, $"More than 7 days since the customer last wrote{last}: Meta allows no reply until they write again.");
    }

    /// <summary>
    /// The options as quick replies when Meta's limits allow, else as numbered text the customer answers with the number
    /// or the title; <paramref name="warning"/> says why they could not be quick replies.
    /// </summary>
    public static (IReadOnlyList<MessageOption>? QuickReplies, string Text) Options(string text, IReadOnlyList<MessageOption>? options, out string? warning)
    {
        warning = null;
        if (options is not { Count: > 0 })
        {
            return (null, text);
        }

        var tooLong = options.FirstOrDefault(o => o.Title.Length > MaxQuickReplyTitle);
        if (options.Count <= MaxQuickReplies && tooLong is null)
        {
            return (options, text);
        }

        warning = options.Count > MaxQuickReplies
            ? $"{options.Count} options: quick replies take at most {MaxQuickReplies}; sent as a numbered list."
            : $"\"{tooLong!.Title}\" is longer than {MaxQuickReplyTitle} characters, the limit of a quick reply; sent as a numbered list.";
        return (null, Numbered(text, options));
    }

    /// <summary>Options as text: one numbered line each, and how to answer.</summary>
    public static string Numbered(string text, IReadOnlyList<MessageOption> options) =>
        text + "\n\n" + string.Join("\n", options.Select((o, i) => $"{i + 1}. {o.Title}")) + "\n\nReply with the number or the name.";

    /// <summary>What a Graph API error means for this message: wait (and for the whole connection or not), or give up.</summary>
    public static SendResult Classify(int httpStatus, int? code, int? subcode, string message, TimeSpan? retryAfter)
    {
        var reason = code is null ? $"HTTP {httpStatus}: {message}" : $"(#{code}{(subcode is null ? "" : "/" + subcode)}) {message}";
        switch (code)
        {
            // Rate limits of the app, the page or the account: the whole connection waits.
            case 4 or 17 or 32 or 613 or 80006 or 80007:
                return SendResult.Retry(reason, retryAfter ?? TimeSpan.FromMinutes(1), connectionPaused: true);
            // The token expired or was revoked: nothing goes on this connection until an admin fixes it.
            case 190:
                return SendResult.Retry(reason, retryAfter, connectionPaused: true);
            case 1 or 2:
                return SendResult.Retry(reason, retryAfter);
        }

        if (httpStatus == 429)
        {
            return SendResult.Retry(reason, retryAfter ?? TimeSpan.FromMinutes(1), connectionPaused: true);
        }

        return httpStatus >= 500 || code is null && httpStatus is 408 ? SendResult.Retry(reason, retryAfter) : SendResult.Fail(reason);
    }
}
