using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Parley.Bots.Flows;

/// <summary>
/// Where a conversation is in its flow, kept with the conversation between messages: the version it started on (it
/// finishes on it, whatever is published meanwhile), the step waiting for the customer or for an API, the variables.
/// </summary>
public sealed record FlowState
{
    public long VersionId { get; init; }

    /// <summary>The step waiting (ask, understand, wait, a message with choices, an API step being called); null once the flow ended.</summary>
    public string? At { get; init; }

    /// <summary>True while <see cref="At"/>'s API call is under way: its answer, not the customer, moves the flow on.</summary>
    public bool CallingApi { get; init; }

    /// <summary>Until when the node that called holds the call; past it, the customer's next message calls again.</summary>
    public DateTime? CallUntil { get; init; }

    public JsonObject Vars { get; init; } = [];

    /// <summary>Misunderstood answers at <see cref="At"/>.</summary>
    public int Retried { get; init; }

    /// <summary>Misunderstood messages in a row, whatever the step (handoff rules count these).</summary>
    public int MisunderstoodInRow { get; init; }

    [JsonIgnore]
    public bool Ended => At is null;
}

/// <summary>What a customer's message is, as far as the bot understood it (computed outside the flow, with its intents).</summary>
public sealed record MessageInsight(
    string? Intent = null,
    double IntentConfidence = 0,
    string? Language = null,
    double Sentiment = 0,
    bool AsksForHuman = false,
    IReadOnlyList<FoundEntity>? Entities = null);

/// <summary>An entity found in a message: its kind (<c>parcel_number</c>, <c>email</c>...) and normalised value.</summary>
public sealed record FoundEntity(string Kind, string Value);

/// <summary>A customer's message to the flow: its text, the option it answers, and what it means.</summary>
public sealed record CustomerInput(string? Text, string? ReplyTo, MessageInsight Insight);

/// <summary>
/// What the flow knows of the conversation beyond its variables, for templates and conditions: <c>contact</c>,
/// <c>conversation</c> (channel, id), <c>business_hours</c> (open).
/// </summary>
public sealed record FlowContext(JsonObject Contact, JsonObject Conversation, bool BusinessHoursOpen);

/// <summary>A message the flow sends: text, options shown as <see cref="Style"/>, an image, or cards (their templates rendered, each choice button's id its key).</summary>
public sealed record FlowMessage(
    string Text, IReadOnlyList<FlowOption>? Options = null, OptionsStyle Style = OptionsStyle.QuickReplies, string? ImageUrl = null, IReadOnlyList<FlowCard>? Cards = null);

/// <summary>What the engine does after the messages of a turn.</summary>
public abstract record FlowAction
{
    private FlowAction()
    {
    }

    /// <summary>Waits for the customer (or, with <see cref="FlowState.CallingApi"/>, see <see cref="CallApi"/>).</summary>
    public sealed record Wait : FlowAction;

    /// <summary>Calls the API outside any transaction, then gives the result to <see cref="FlowRunner.OnApiResult"/>.</summary>
    public sealed record CallApi(string StepId, FlowApiCall Call, JsonObject Model) : FlowAction;

    /// <summary>Hands over: the queue by name (null: the inbox's default), why, and what to tell the customer first.</summary>
    public sealed record Handoff(string? Queue, int Priority, IReadOnlyList<string> Skills, string Reason) : FlowAction;

    public sealed record Resolve : FlowAction;

    /// <summary>Goes on in another flow of the account, at its start.</summary>
    public sealed record Goto(string Flow) : FlowAction;

    /// <summary>Passes the conversation to the account's external bot, with the flow's variables.</summary>
    public sealed record External(JsonObject Variables) : FlowAction;
}

/// <summary>A funnel event: a step visited, a misunderstanding, an API result, a handoff and its reason.</summary>
public sealed record FlowEvent(FlowEventKind Kind, string? StepId, string? Detail = null);

public enum FlowEventKind
{
    StepVisited,
    Misunderstood,
    ApiSucceeded,
    ApiNotFound,
    ApiFailed,
    HandedOff,
    Resolved,
}

/// <summary>One turn of the flow: messages to send, the state to keep (null: the flow ended), what to do next, and the funnel events.</summary>
public sealed record FlowTurn(IReadOnlyList<FlowMessage> Messages, FlowState State, FlowAction Action, IReadOnlyList<FlowEvent> Events);
