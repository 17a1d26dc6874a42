using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Analytics;
using Parley.Bots.Flows;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Bots;

/// <summary>
/// The engine's bot: a conversation runs the flow published for its inbox (or its account's default) when it started,
/// to the end, on that version; an inbox with no flow keeps the built-in topic bot (<see cref="BotRuntime"/>).
/// </summary>
public sealed partial class FlowBot(FlowCatalog catalog, FlowRunner runner, FlowApiCalls calls, External.ExternalBots external, TimeProvider clock) : IConversationBot
{
    /// <summary>How a conversation's state says it runs a flow (the built-in bot's states never start so).</summary>
    private const string Prefix = "flow:";

    /// <summary>How a state waiting on an API reads: the cheap test before the state is parsed (the engine asks on every pass).</summary>
    private const string CallingApiMark = "\"callingApi\":true";

    public async Task<BotTurn> StartAsync(ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, CancellationToken cancellationToken)
    {
        if (await catalog.PublishedAsync(db, inbox, cancellationToken) is not { } flow)
        {
            // An account with its own bot and no flow: the external bot greets (through the bot API) when it is told.
            return await external.ConfiguredAsync(db, conversation.AccountId, cancellationToken)
                ? ToExternal(db, conversation, null, null, [], [])
                : BotRuntime.Start(settings);
        }

        var context = await ContextAsync(db, conversation, settings, cancellationToken);
        return await TurnAsync(db, conversation, settings, flow, runner.Start(flow.Document, flow.VersionId, context), context, cancellationToken);
    }

    public async Task<BotTurn> OnCustomerMessageAsync(
        ParleyDb db, Conversation conversation, Inbox inbox, InboxSettings settings, Message message, CancellationToken cancellationToken)
    {
        // A conversation the built-in topic bot holds stays with it (as a flow's finishes on its version): no lookup of
        // flows or external bots on every message, which runs inside the write gate.
        if (conversation.BotState is { } builtIn && !builtIn.StartsWith(Prefix, StringComparison.Ordinal) && !External.ExternalBots.Holds(builtIn))
        {
            return BotRuntime.OnCustomerMessage(builtIn, message.Text, message.ReplyTo, settings);
        }

        if (External.ExternalBots.Holds(conversation.BotState))
        {
            external.Enqueue(db, conversation, External.BotEventKinds.MessageCreated, message);
            return new BotTurn([], conversation.BotState, null) { After = external.Wake };
        }

        // An ended flow starts again on the version published now.
        var state = Read(conversation.BotState) is { Ended: false } running ? running : null;
        var flow = state is null
            ? await catalog.PublishedAsync(db, inbox, cancellationToken)
            : await catalog.VersionAsync(db, state.VersionId, cancellationToken);
        if (flow is null)
        {
            if (await external.ConfiguredAsync(db, conversation.AccountId, cancellationToken))
            {
                return ToExternal(db, conversation, message, null, [], []);
            }

            // No flow any more (a new conversation, or the one it ran unpublished): the built-in bot greets.
            return BotRuntime.Start(settings);
        }

        var insight = flow.Understanding.Read(message.Text, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (insight.Intent is { } intent)
        {
            await EngineStore.AnnotateAsync(db, message.Id, intent, cancellationToken);
        }

        var context = await ContextAsync(db, conversation, settings, cancellationToken);
        var input = new CustomerInput(message.Text, message.ReplyTo, insight);
        var turn = state is null
            ? runner.Start(flow.Document, flow.VersionId, context, input)
            : runner.OnCustomerMessage(flow.Document, state, input, context);
        return await TurnAsync(db, conversation, settings, flow, turn, context, cancellationToken);
    }

    /// <summary>The bot's turn from a step of the flow published now (an advisor hands the conversation back); null when the flow has no such step.</summary>
    public async Task<BotTurn?> StartAtAsync(ParleyDb db, Conversation conversation, InboxSettings settings, string stepId, CancellationToken cancellationToken)
    {
        var flow = await catalog.PublishedAsync(db, conversation.AccountId, conversation.InboxId, cancellationToken);
        if (flow?.Document.Step(stepId) is null)
        {
            return null;
        }

        var context = await ContextAsync(db, conversation, settings, cancellationToken);
        return await TurnAsync(db, conversation, settings, flow, runner.StartAt(flow.Document, flow.VersionId, stepId, context), context, cancellationToken);
    }

    public bool IsBusy(string? botState) =>
        botState is not null && botState.Contains(CallingApiMark, StringComparison.Ordinal) && Read(botState) is { CallingApi: true, CallUntil: { } until } && until > clock.GetUtcNow().UtcDateTime;

    /// <summary>The answer of an API step, applied by the engine in its transaction; null when the conversation moved on meanwhile.</summary>
    public async Task<BotTurn?> OnApiAnswerAsync(ParleyDb db, Conversation conversation, InboxSettings settings, long versionId, string stepId, ApiAnswer answer, CancellationToken cancellationToken)
    {
        var state = Read(conversation.BotState);
        if (conversation.Status != ConversationStatus.WithBot || state is not { CallingApi: true } || state.VersionId != versionId || state.At != stepId)
        {
            return null;
        }

        var flow = await catalog.VersionAsync(db, versionId, cancellationToken) ?? throw new InvalidOperationException($"Flow version {versionId} is gone.");
        var context = await ContextAsync(db, conversation, settings, cancellationToken);
        return await TurnAsync(db, conversation, settings, flow, runner.OnApiResult(flow.Document, state, answer, context), context, cancellationToken);
    }

    /// <summary>The runner's turn as the engine applies it; a goto goes on at once in the other flow.</summary>
    private async Task<BotTurn> TurnAsync(
        ParleyDb db, Conversation conversation, InboxSettings settings, CompiledFlow flow, FlowTurn turn, FlowContext context, CancellationToken cancellationToken)
    {
        var messages = turn.Messages.SelectMany(Messages).ToList();
        var funnel = turn.Events.Where(e => e.Kind != FlowEventKind.HandedOff && e.Kind != FlowEventKind.Resolved).Select(e => Funnel(flow, e)).ToList();
        switch (turn.Action)
        {
            case FlowAction.Goto go when await catalog.NamedAsync(db, flow.AccountId, go.Flow, cancellationToken) is { } next:
                var started = runner.Start(next.Document, next.VersionId, context);
                var rest = await TurnAsync(db, conversation, settings, next, started, context, cancellationToken);
                return rest with { Messages = [.. messages, .. rest.Messages], Funnel = [.. funnel, .. rest.Funnel] };
            case FlowAction.Goto go:
                return await HandoffAsync(db, conversation, settings, messages, funnel, null, 0, $"The flow {go.Flow} is not published.", cancellationToken);
            case FlowAction.Handoff handoff:
                return await HandoffAsync(db, conversation, settings, messages, funnel, handoff.Queue, handoff.Priority, handoff.Reason, cancellationToken, handoff.Skills);
            case FlowAction.External pass:
                return ToExternal(db, conversation, null, pass.Variables, messages, funnel);
            case FlowAction.Resolve:
                return new BotTurn(messages, null, null) { Resolve = true, Funnel = funnel };
            case FlowAction.CallApi call:
                var until = clock.GetUtcNow().UtcDateTime + FlowApiCalls.Budget(call.Call);
                var state = turn.State with { CallUntil = until };
                var work = calls.Prepare(conversation.Id, flow, call, settings);
                return new BotTurn(messages, Write(state), null) { Funnel = funnel, After = work };
            default:
                return new BotTurn(messages, Write(turn.State), null) { Funnel = funnel };
        }
    }

    /// <summary>The external bot takes the conversation: it is told, with the customer's message that started it if any.</summary>
    private BotTurn ToExternal(ParleyDb db, Conversation conversation, Message? message, System.Text.Json.Nodes.JsonObject? variables, List<BotMessage> messages, List<BotFunnelEvent> funnel)
    {
        external.Enqueue(db, conversation, External.BotEventKinds.ConversationStarted, message, variables);
        return new BotTurn(messages, External.ExternalBots.State, null) { Funnel = funnel, After = external.Wake };
    }

    private static async Task<BotTurn> HandoffAsync(
        ParleyDb db, Conversation conversation, InboxSettings settings, List<BotMessage> messages, List<BotFunnelEvent> funnel,
        string? queue, int priority, string reason, CancellationToken cancellationToken, IReadOnlyList<string>? skills = null)
    {
        var queueId = queue is null
            ? null
            : await db.Queues.Where(q => q.AccountId == conversation.AccountId && q.Name == queue).Select(q => (long?)q.Id).FirstOrDefaultAsync(cancellationToken);
        return new BotTurn(messages, null, queueId ?? settings.DefaultQueueId ?? await AnyQueueAsync(db, conversation.AccountId, cancellationToken))
        {
            HandoffReason = reason,
            Priority = priority,
            Skills = skills ?? [],
            Funnel = funnel,
        };
    }

    private static Task<long?> AnyQueueAsync(ParleyDb db, long accountId, CancellationToken cancellationToken) =>
        db.Queues.Where(q => q.AccountId == accountId).OrderBy(q => q.Id).Select(q => (long?)q.Id).FirstOrDefaultAsync(cancellationToken);

    private static BotFunnelEvent Funnel(CompiledFlow flow, FlowEvent e) => e.Kind switch
    {
        FlowEventKind.Misunderstood => new BotFunnelEvent(ReportingEventNames.BotMisunderstood, $"{flow.Name}/{e.StepId}"),
        FlowEventKind.ApiSucceeded or FlowEventKind.ApiNotFound or FlowEventKind.ApiFailed =>
            new BotFunnelEvent(ReportingEventNames.BotApiCall, $"{flow.Name}/{e.StepId}: {e.Kind switch { FlowEventKind.ApiSucceeded => "success", FlowEventKind.ApiNotFound => "not found", _ => "failure" }}{(e.Detail is null ? string.Empty : $" ({e.Detail})")}"),
        _ => new BotFunnelEvent(ReportingEventNames.BotStep, $"{flow.Name}/{e.StepId}"),
    };

    /// <summary>A flow's message as the engine stores it; cards go after their text, as a message of their own (Messenger's templates have no text).</summary>
    private static IEnumerable<BotMessage> Messages(FlowMessage message)
    {
        if (message.Cards is not { Count: > 0 } cards)
        {
            yield return Message(message);
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(message.Text))
        {
            yield return new BotMessage(ContentType.Text, message.Text);
        }

        yield return new BotMessage(ContentType.Cards, string.Empty, Cards: cards.Select(Card).ToList());
    }

    private static BotMessage Message(FlowMessage message)
    {
        if (message.ImageUrl is { } image)
        {
            return new BotMessage(ContentType.Media, message.Text, Media: [new ChannelMedia(MediaKind.Image, image)]);
        }

        if (message.Options is not { Count: > 0 } options)
        {
            return new BotMessage(ContentType.Text, message.Text);
        }

        return new BotMessage(message.Style == OptionsStyle.List ? ContentType.ListPicker : ContentType.QuickReplies, message.Text,
            options.Select(o => new MessageOption(o.Key, o.Title, o.Description)).ToList());
    }

    private static MessageCard Card(FlowCard card) => new(card.Title, card.Subtitle, card.ImageUrl, card.Url,
        card.Buttons.Select(b => new CardButton(b.Title, b.IsLink ? null : b.Id, b.Url)).ToList());

    private async Task<FlowContext> ContextAsync(ParleyDb db, Conversation conversation, InboxSettings settings, CancellationToken cancellationToken)
    {
        var contact = await db.Contacts.AsNoTracking().Where(c => c.Id == conversation.ContactId)
            .Select(c => new { c.Name, c.Email, c.Phone }).FirstOrDefaultAsync(cancellationToken);
        var names = (contact?.Name ?? string.Empty).Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var person = new JsonObject
        {
            ["name"] = contact?.Name,
            ["first_name"] = names.Length > 0 ? names[0] : null,
            ["last_name"] = names.Length > 1 ? names[1] : null,
            ["email"] = contact?.Email,
            ["phone"] = contact?.Phone,
            ["attributes"] = new JsonObject(),
        };
        var about = new JsonObject { ["id"] = conversation.Id, ["channel"] = conversation.Channel.ToString(), ["inbox"] = conversation.InboxId };
        return new FlowContext(person, about, settings.BusinessHours.IsOpen(clock.GetUtcNow()));
    }

    internal static FlowState? Read(string? botState) =>
        botState is not null && botState.StartsWith(Prefix, StringComparison.Ordinal)
            ? JsonSerializer.Deserialize<FlowState>(botState.AsSpan(Prefix.Length), FlowStateJson)
            : null;

    private static string Write(FlowState state) => Prefix + JsonSerializer.Serialize(state, FlowStateJson);

    private static readonly JsonSerializerOptions FlowStateJson = new(JsonSerializerDefaults.Web);
}
