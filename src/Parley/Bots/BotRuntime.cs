using Parley.Channels;
using Parley.Conversations;

namespace Parley.Bots;

/// <summary>A message the bot wants to send.</summary>
public sealed record BotMessage(
    ContentType ContentType, string Text, IReadOnlyList<MessageOption>? Options = null, IReadOnlyList<ChannelMedia>? Media = null, IReadOnlyList<MessageCard>? Cards = null);

/// <summary>What one bot step decided: messages to send, the next state, and whether to hand over to a queue.</summary>
public sealed record BotTurn(IReadOnlyList<BotMessage> Messages, string? NextState, long? HandoffQueueId, string? Topic = null)
{
    /// <summary>Why the bot handed over, recorded with the handoff and shown to the advisor.</summary>
    public string? HandoffReason { get; init; }

    public int Priority { get; init; }

    /// <summary>The skills the handoff requires of the advisor (<c>name</c> or <c>name:level</c>, see Routing/ConversationRequirements).</summary>
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>The bot settled the conversation.</summary>
    public bool Resolve { get; init; }

    /// <summary>In a public conversation, the platform id of the comment the turn's messages answer in public.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>Funnel events to record with the turn (steps visited, misunderstandings, API results).</summary>
    public IReadOnlyList<BotFunnelEvent> Funnel { get; init; } = [];

    /// <summary>Work the bot needs done once this turn is stored, outside any transaction (a business API call).</summary>
    public Func<CancellationToken, Task>? After { get; init; }
}

/// <summary>A bot funnel event: its name (<see cref="Analytics.ReportingEventNames"/>) and detail.</summary>
public sealed record BotFunnelEvent(string Name, string? Detail);

/// <summary>How the queue looks right after a handoff, so the bot can set the customer's expectations.</summary>
public sealed record QueueOutlook(bool Open, bool AdvisorAvailable, int Position, string? OpensText, int ExpectedReplyMinutes);

/// <summary>
/// The first bot: greets, asks the topic with a list picker, hands over to the topic's queue.
/// Pure: the engine gives it the state and the customer's message and applies what it returns.
/// The bot builder will replace the fixed flow with versioned flows; the engine contract stays.
/// </summary>
public static class BotRuntime
{
    public const string AwaitingTopic = "awaiting-topic";
    private const int MaxMisunderstandings = 2;

    private static readonly string[] HumanKeywords = ["human", "advisor", "agent", "person", "operator", "operatore", "conseiller"];

    public static BotTurn Start(InboxSettings settings)
    {
        if (settings.Topics.Count == 0)
        {
            return new BotTurn([new BotMessage(ContentType.Text, settings.Greeting)], null, settings.DefaultQueueId);
        }

        return new BotTurn([TopicPicker(settings, settings.Greeting)], State(0), null);
    }

    public static BotTurn OnCustomerMessage(string? state, string? text, string? replyTo, InboxSettings settings)
    {
        if (state is null || !state.StartsWith(AwaitingTopic, StringComparison.Ordinal))
        {
            return Start(settings);
        }

        var topic = FindTopic(settings, text, replyTo);
        if (topic is not null)
        {
            return new BotTurn([], null, topic.QueueId, topic.Title);
        }

        if (AsksForHuman(text) && settings.DefaultQueueId is { } defaultQueue)
        {
            return new BotTurn([], null, defaultQueue);
        }

        var misunderstood = Misunderstandings(state) + 1;
        if (misunderstood > MaxMisunderstandings && settings.DefaultQueueId is { } fallbackQueue)
        {
            return new BotTurn([new BotMessage(ContentType.Text, "I'm not sure I understood, so I'm passing your question to an advisor.")], null, fallbackQueue);
        }

        return new BotTurn([TopicPicker(settings, "Sorry, I didn't get that. Please choose a topic from the list:")], State(misunderstood), null);
    }

    /// <summary>
    /// What the bot says once the conversation is in a queue. <paramref name="waitHint"/> is the channel's own word on where
    /// the reply will come (a website: "you can close this window"); a channel without one adds nothing.
    /// </summary>
    public static BotMessage HandoffNotice(QueueOutlook outlook, string? topic, string? waitHint = null)
    {
        var hint = waitHint is null ? string.Empty : " " + waitHint;
        var about = topic is null ? string.Empty : $" about {topic}";
        if (!outlook.Open)
        {
            var back = outlook.OpensText is null ? "as soon as they are back" : $"from {outlook.OpensText}";
            return new BotMessage(ContentType.Text,
                $"Thank you. Our advisors are away right now; your question{about} is saved and an advisor will answer {back}.{hint}");
        }

        if (outlook.AdvisorAvailable)
        {
            return new BotMessage(ContentType.Text, $"Thank you. I'm passing you to an advisor{about}; they will be with you in a moment.");
        }

        var position = outlook.Position > 0 ? $" You are number {outlook.Position} in the queue." : string.Empty;
        return new BotMessage(ContentType.Text,
            $"Thank you. All our advisors are busy at the moment; your question{about} is queued.{position} Expected reply within about {outlook.ExpectedReplyMinutes} minutes.{hint}");
    }

    private static BotMessage TopicPicker(InboxSettings settings, string text) =>
        new(ContentType.ListPicker, text, settings.Topics.Select(t => new MessageOption(t.Id, t.Title, t.Description)).ToList());

    private static Topic? FindTopic(InboxSettings settings, string? text, string? replyTo)
    {
        if (replyTo is not null)
        {
            return settings.Topics.FirstOrDefault(t => string.Equals(t.Id, replyTo, StringComparison.Ordinal));
        }

        var typed = text?.Trim();
        if (string.IsNullOrEmpty(typed))
        {
            return null;
        }

        // A channel without pickers lists the topics as numbered text (X, or more options than a platform's picker takes).
        if (int.TryParse(typed.TrimEnd('.', ')'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= settings.Topics.Count)
        {
            return settings.Topics[number - 1];
        }

        return settings.Topics.FirstOrDefault(t => string.Equals(t.Title, typed, StringComparison.OrdinalIgnoreCase))
            ?? settings.Topics.FirstOrDefault(t => typed.Contains(t.Title, StringComparison.OrdinalIgnoreCase));
    }

    private static bool AsksForHuman(string? text) =>
        text is not null && HumanKeywords.Any(k => text.Contains(k, StringComparison.OrdinalIgnoreCase));

    private static string State(int misunderstandings) => misunderstandings == 0 ? AwaitingTopic : $"{AwaitingTopic}:{misunderstandings}";

    private static int Misunderstandings(string state) =>
        state.Length > AwaitingTopic.Length && int.TryParse(state.AsSpan(AwaitingTopic.Length + 1), out var n) ? n : 0;
}
