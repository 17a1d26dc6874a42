using System.Text.Json.Serialization;

namespace Parley.Bots.Public;

/// <summary>What the bot does with a public message (a comment, a mention) that no rule sends to a human.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PublicBotMode>))]
public enum PublicBotMode
{
    /// <summary>Every public message goes to a human queue.</summary>
    Off,

    /// <summary>The bot answers in public (<see cref="PublicBotSettings.PublicAnswer"/>) and in private (<see cref="PublicBotSettings.PrivateReply"/>).</summary>
    AutoReply,
}

/// <summary>
/// A connection's bot and routing for public messages, chosen by its account's channel managers and admins; stored with
/// the connection's settings (<see cref="Channels.ConnectionSettings.PublicBot"/>). A connection nobody configured (one
/// declared in configuration, for example) has these defaults: no bot, the inbox's default queue, normal priority.
/// </summary>
public sealed record PublicBotSettings
{
    public const int MaxPriority = 10;
    public const int MaxListItems = 200;
    public const int MaxText = 1000;

    public PublicBotMode Mode { get; init; } = PublicBotMode.Off;

    /// <summary>The bot's public answer under the customer's comment.</summary>
    public string PublicAnswer { get; init; } = "We've answered you in private 📩";

    /// <summary>The bot's private reply to the comment (Messenger and Instagram): the customer's answer starts the private bot.</summary>
    public string PrivateReply { get; init; } = "Hello! We saw your comment. Tell us here how we can help, and we'll take it from there.";

    /// <summary>A message containing one of these (whole words, any case, accents ignored) goes to a human.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>A message whose stored tone is below this goes to a human, as a complaint (null: the rule is off).</summary>
    public double? NegativeToneBelow { get; init; } = -0.2;

    /// <summary>An author with at least this many followers (when the network says) goes to a human (null: the rule is off).</summary>
    public long? InfluentialFollowers { get; init; }

    /// <summary>Authors whose handle (X screen name, Instagram username; with or without @) is here go to a human.</summary>
    public IReadOnlyList<string> VipHandles { get; init; } = [];

    /// <summary>The queue of public conversations; null: the inbox's default queue (else the account's first).</summary>
    public long? QueueId { get; init; }

    /// <summary>The priority of every public conversation in its queue (0 is normal; higher is served first).</summary>
    public int Priority { get; init; }

    /// <summary>The priority of a complaint (negative tone): it goes before the others.</summary>
    public int ComplaintPriority { get; init; } = 5;

    /// <summary>The priority of a thread under a post in crisis: it goes first.</summary>
    public int CrisisPriority { get; init; } = MaxPriority;

    /// <summary>What is wrong with these settings, for the channel manager; null when they can be saved.</summary>
    public string? Problem()
    {
        var priorities = new[] { Priority, ComplaintPriority, CrisisPriority };
        return this switch
        {
            { Mode: PublicBotMode.AutoReply, PublicAnswer: null or { Length: 0 } } => "An automatic public answer needs its text.",
            { Mode: PublicBotMode.AutoReply, PrivateReply: null or { Length: 0 } } => "An automatic answer needs the text of its private reply.",
            _ when PublicAnswer?.Length > MaxText || PrivateReply?.Length > MaxText => $"The answers have at most {MaxText} characters.",
            _ when Keywords is null || VipHandles is null => "Keywords and VIP handles are lists (empty for none).",
            _ when Keywords.Count > MaxListItems || VipHandles.Count > MaxListItems => $"At most {MaxListItems} keywords and {MaxListItems} VIP handles.",
            _ when Keywords.Concat(VipHandles).Any(k => string.IsNullOrWhiteSpace(k) || k.Length > 100) => "Each keyword and handle has 1 to 100 characters.",
            { NegativeToneBelow: < -1 or > 1 } => "The negative tone threshold is between -1 (angry) and 1 (pleased).",
            { InfluentialFollowers: < 1 } => "The follower count of an influential author is at least 1 (empty: the rule is off).",
            _ when priorities.Any(p => p is < 0 or > MaxPriority) => $"Priorities are between 0 (normal) and {MaxPriority}.",
            _ => Hosting.InputText.FirstProblem(("publicAnswer", PublicAnswer, true), ("privateReply", PrivateReply, true)),
        };
    }
}
