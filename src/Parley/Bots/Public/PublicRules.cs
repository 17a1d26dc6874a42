using System.Globalization;
using Parley.Bots.Understanding;
using Parley.Conversations;

namespace Parley.Bots.Public;

/// <summary>Why a public message went where it went: the rule that fired, recorded as the handoff's reporting detail.</summary>
public enum PublicRule
{
    /// <summary>No rule fired and the bot is off: a human answers.</summary>
    BotOff,

    /// <summary>No rule fired: the bot answered in public and in private.</summary>
    AutoReply,

    /// <summary>The post is in crisis: its threads go to humans, first.</summary>
    Crisis,
    Keyword,

    /// <summary>A complaint: the message's tone is below the threshold; it goes before the others.</summary>
    NegativeTone,
    InfluentialAuthor,
    VipAuthor,

    /// <summary>Someone (the bot or an advisor) answered this thread already: the customer's next comment is a human's.</summary>
    AnsweredBefore,
}

/// <summary>What the rules read of a public message: its text and stored tone, its author, its post, its thread.</summary>
public sealed record PublicFacts(string? Text, double? Sentiment, PublicAuthor? Author, bool PostInCrisis, bool AnsweredBefore);

/// <summary>Where a public message goes: the bot answers it, or a human, with the rule that decided, why, and the priority.</summary>
/// <param name="Why">For the advisor, in words (null when the bot answers, or for the plain "bot off").</param>
public sealed record PublicDecision(PublicRule Rule, string? Why, int Priority)
{
    public bool BotAnswers => Rule == PublicRule.AutoReply;

    /// <summary>The handoff's reason in reporting events: a stable name per rule, which analytics group on.</summary>
    public string ReportingDetail => Rule switch
    {
        PublicRule.BotOff => "public",
        PublicRule.AutoReply => "public:auto-reply",
        PublicRule.Crisis => "public:crisis",
        PublicRule.Keyword => "public:keyword",
        PublicRule.NegativeTone => "public:negative-tone",
        PublicRule.InfluentialAuthor => "public:influential-author",
        PublicRule.VipAuthor => "public:vip-author",
        PublicRule.AnsweredBefore => "public:answered-before",
        _ => throw new ArgumentOutOfRangeException(nameof(Rule), Rule, null),
    };
}

/// <summary>
/// The rules that send a public message to a human instead of the bot, in order: a post in crisis first, then keywords,
/// a negative tone (a complaint), an influential or VIP author, and (the bot on) a thread answered already. Pure: the public bot
/// gives it the facts it read and applies the decision. Routing applies with the bot off too: a complaint or a crisis
/// goes first in the queue whoever answers.
/// </summary>
public static class PublicRules
{
    public static PublicDecision Decide(PublicBotSettings settings, PublicFacts facts)
    {
        if (facts.PostInCrisis)
        {
            return new(PublicRule.Crisis, "The post is in crisis: its threads go to advisors first.", Math.Max(settings.CrisisPriority, settings.Priority));
        }

        var complaint = facts.Sentiment is { } tone && settings.NegativeToneBelow is { } below && tone < below;
        var priority = complaint ? Math.Max(settings.ComplaintPriority, settings.Priority) : settings.Priority;
        if (Keyword(settings.Keywords, facts.Text) is { } keyword)
        {
            return new(PublicRule.Keyword, $"The message contains \"{keyword}\".", priority);
        }

        if (complaint)
        {
            return new(PublicRule.NegativeTone,
                $"Negative tone ({facts.Sentiment!.Value.ToString("0.00", CultureInfo.InvariantCulture)}): a complaint.", priority);
        }

        if (facts.Author?.Followers is { } followers && settings.InfluentialFollowers is { } many && followers >= many)
        {
            return new(PublicRule.InfluentialAuthor, $"An influential author ({followers.ToString("N0", CultureInfo.InvariantCulture)} followers).", priority);
        }

        if (Handle(facts.Author?.Handle) is { } handle && settings.VipHandles.Any(v => string.Equals(Handle(v), handle, StringComparison.OrdinalIgnoreCase)))
        {
            return new(PublicRule.VipAuthor, $"A VIP author (@{handle}).", priority);
        }

        return settings.Mode switch
        {
            PublicBotMode.Off => new(PublicRule.BotOff, null, priority),
            _ when facts.AnsweredBefore => new(PublicRule.AnsweredBefore, "The customer commented again after an answer: the bot answers a thread once.", priority),
            _ => new(PublicRule.AutoReply, null, priority),
        };
    }

    /// <summary>The first keyword the text contains as whole words (any case, accents ignored).</summary>
    public static string? Keyword(IReadOnlyList<string> keywords, string? text)
    {
        if (text is null || keywords.Count == 0)
        {
            return null;
        }

        var words = $" {string.Join(' ', TextFolding.Words(text))} ";
        return keywords.FirstOrDefault(k => TextFolding.Words(k) is { Count: > 0 } folded && words.Contains($" {string.Join(' ', folded)} ", StringComparison.Ordinal));
    }

    private static string? Handle(string? handle) => handle?.Trim().TrimStart('@') is { Length: > 0 } h ? h : null;
}
