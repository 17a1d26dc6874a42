using System.ComponentModel;

namespace Parley.Bots.Flows;

/// <summary>
/// A bot flow as a channel manager writes it (in the console's editor or as YAML kept as code): steps that send, ask,
/// understand, call a business API, branch, hand over or resolve, with the flow's intents and handoff rules. One version
/// of a flow is one document; <see cref="FlowValidator"/> says whether it can be published.
/// </summary>
public sealed class FlowDocument
{
    public string Name { get; set; } = string.Empty;
    public string? Description { get; set; }

    /// <summary>The id of the step a new conversation starts at.</summary>
    public string Start { get; set; } = string.Empty;

    /// <summary>The flow's own variables (<c>{{ vars.NAME }}</c>); a template naming another one does not validate.</summary>
    public List<string> Variables { get; set; } = [];

    /// <summary>Intents by name, each with example phrases per language ("en", "fr", "it").</summary>
    public Dictionary<string, Dictionary<string, List<string>>> Intents { get; set; } = [];

    /// <summary>The confidence an intent needs before the bot acts on it (understand steps and rules).</summary>
    [DefaultValue(0.5)]
    public double IntentThreshold { get; set; } = 0.5;

    public FlowHandoff Handoff { get; set; } = new();

    public List<FlowStep> Steps { get; set; } = [];

    public FlowStep? Step(string? id) => id is null ? null : Steps.Find(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}

public enum StepKind
{
    /// <summary>Sends a message (text, quick replies, list picker, cards or a carousel, image), then goes on.</summary>
    Message,

    /// <summary>Asks, and waits for an answer that it validates (free text of a kind, or a choice).</summary>
    Ask,

    /// <summary>Routes on the intent of the customer's last message.</summary>
    Understand,

    /// <summary>Calls a business API outside any transaction; branches on success, not found, failure.</summary>
    Api,

    /// <summary>The first branch whose condition holds.</summary>
    Condition,

    /// <summary>Sets variables from templates.</summary>
    Set,

    /// <summary>Goes on in another flow of the same account, at its start.</summary>
    Goto,

    /// <summary>Hands the conversation to a human.</summary>
    Handoff,

    /// <summary>Resolves the conversation.</summary>
    Resolve,

    /// <summary>Waits for the customer's next message, then goes on.</summary>
    Wait,

    /// <summary>Passes the conversation to the account's external bot, with the flow's variables.</summary>
    External,
}

/// <summary>How a message's options are shown, where the channel can: buttons under the message, or a list.</summary>
public enum OptionsStyle
{
    QuickReplies,
    List,
}

/// <summary>What an ask step accepts.</summary>
public enum AnswerKind
{
    Text,
    Choice,
    Number,
    Email,
    Phone,
    Date,
    ParcelNumber,
    OrderNumber,
    Regex,
}

/// <summary>
/// One step. Which fields matter depends on <see cref="Type"/> (the editor shows those, <see cref="FlowValidator"/> checks
/// them); a flat shape keeps the YAML short and the editor's forms simple.
/// </summary>
public sealed class FlowStep
{
    public string Id { get; set; } = string.Empty;
    public StepKind Type { get; set; }

    /// <summary>The next step (message, ask, set, wait): none ends the bot's turn and waits for the customer.</summary>
    public string? Next { get; set; }

    /// <summary>Template of the text sent (message, ask, handoff, resolve).</summary>
    public string? Text { get; set; }

    /// <summary>Choices (ask with <see cref="AnswerKind.Choice"/>) or buttons (message); each may lead to its own step.</summary>
    public List<FlowOption> Options { get; set; } = [];

    public OptionsStyle Style { get; set; } = OptionsStyle.QuickReplies;
    public string? ImageUrl { get; set; }

    /// <summary>Cards the message sends (several: a carousel); their choice buttons are the step's choices.</summary>
    public List<FlowCard> Cards { get; set; } = [];

    /// <summary>What the customer may choose: the options, else the cards' choice buttons (in card order).</summary>
    public IReadOnlyList<FlowOption> Choices() =>
        Options.Count > 0 || Cards.Count == 0 ? Options : Cards.SelectMany(c => c.Buttons).Where(b => !b.IsLink).Select(b => b.AsOption()).ToList();

    // Ask
    public AnswerKind Expect { get; set; } = AnswerKind.Text;
    public string? Pattern { get; set; }
    public string? SaveAs { get; set; }

    /// <summary>Misunderstood answers before <see cref="Fallback"/> (ask, understand).</summary>
    [DefaultValue(2)]
    public int Retries { get; set; } = 2;

    public string? RetryText { get; set; }
    public string? Fallback { get; set; }

    // Understand (also an ask's free text that matches no choice)
    public List<IntentRoute> Routes { get; set; } = [];
    public string? Otherwise { get; set; }

    // Api
    public FlowApiCall? Api { get; set; }
    public string? OnSuccess { get; set; }
    public string? OnNotFound { get; set; }
    public string? OnFailure { get; set; }

    // Condition
    public List<ConditionBranch> Branches { get; set; } = [];

    // Set: variable -> template
    public Dictionary<string, string> Set { get; set; } = [];

    // Goto
    public string? Flow { get; set; }

    // Handoff
    public string? Queue { get; set; }
    public int Priority { get; set; }
    public List<string> Skills { get; set; } = [];
    public string? Reason { get; set; }
}

public sealed class FlowOption
{
    public string? Id { get; set; }
    public string Title { get; set; } = string.Empty;
    public string? Description { get; set; }
    public string? Next { get; set; }

    /// <summary>The option's id as the customer's reply carries it (its title in lower case with dashes when none is given).</summary>
    [YamlDotNet.Serialization.YamlIgnore]
    public string Key => KeyOf(Id, Title);

    public static string KeyOf(string? id, string title) =>
        id ?? string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

public sealed class IntentRoute
{
    public string Intent { get; set; } = string.Empty;
    public string Next { get; set; } = string.Empty;
}

public sealed class ConditionBranch
{
    /// <summary>A Liquid condition, as in <c>{% if ... %}</c>: <c>vars.parcel.status == "delivered"</c>.</summary>
    public string When { get; set; } = string.Empty;
    public string Next { get; set; } = string.Empty;
}

/// <summary>A business API call: method, URL and body as templates, headers that may name the account's secrets.</summary>
public sealed class FlowApiCall
{
    [DefaultValue("GET")]
    public string Method { get; set; } = "GET";
    public string Url { get; set; } = string.Empty;
    public string? Body { get; set; }
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>Variable -> path into the JSON answer ("status", "events[0].label", "$" for all of it).</summary>
    public Dictionary<string, string> Extract { get; set; } = [];

    [DefaultValue(5.0)]
    public double TimeoutSeconds { get; set; } = 5;

    [DefaultValue(1)]
    public int Retries { get; set; } = 1;

    /// <summary>A recorded answer, for previews that must not call the real API.</summary>
    public FlowApiSample? Sample { get; set; }
}

public sealed class FlowApiSample
{
    [DefaultValue(200)]
    public int Status { get; set; } = 200;
    public string Body { get; set; } = "{}";
}

/// <summary>Where rules hand a conversation over, and the rules, each recorded as the handoff's reason when it fires.</summary>
public sealed class FlowHandoff
{
    /// <summary>The queue (by name, in the flow's account) rules and handoff steps without their own use.</summary>
    public string? Queue { get; set; }

    public List<HandoffRule> Rules { get; set; } = [];
}

public enum HandoffTrigger
{
    /// <summary>The customer asks for a human, in English, French or Italian.</summary>
    AsksForHuman,
    Keywords,
    Intents,

    /// <summary><see cref="HandoffRule.Count"/> misunderstandings in a row.</summary>
    Misunderstandings,

    /// <summary>A message's sentiment under <see cref="HandoffRule.Below"/>.</summary>
    NegativeSentiment,

    /// <summary>The contact's <see cref="HandoffRule.Attribute"/> is set (a VIP).</summary>
    ContactAttribute,

    /// <summary>An API step failed (and its step has no failure branch of its own).</summary>
    ApiFailure,
}

public sealed class HandoffRule
{
    public HandoffTrigger When { get; set; }
    public List<string> Keywords { get; set; } = [];
    public List<string> Intents { get; set; } = [];
    [DefaultValue(3)]
    public int Count { get; set; } = 3;

    [DefaultValue(-0.5)]
    public double Below { get; set; } = -0.5;
    public string? Attribute { get; set; }

    /// <summary>Where this rule hands over, when not to the flow's handoff queue.</summary>
    public string? Queue { get; set; }

    public int Priority { get; set; }

    /// <summary>The reason recorded (and shown to the advisor); a sentence built from the rule when empty.</summary>
    public string? Reason { get; set; }
}
