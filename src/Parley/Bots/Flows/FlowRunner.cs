using System.Text.Json.Nodes;
using Parley.Bots.Templates;

namespace Parley.Bots.Flows;

/// <summary>
/// Runs a flow, one turn at a time. Pure: the engine gives it the flow, the conversation's state and what happened (a
/// customer's message, an API's answer) and applies the turn it returns; nothing here waits on a database or the network.
/// </summary>
/// <remarks>
/// A turn goes from step to step until one waits: for the customer (ask, understand, wait, a message with choices), for
/// an API's answer (which the engine fetches outside any transaction), or ends the bot's part (handoff, resolve, another
/// flow). A customer's message is there to be used by the first step that reads one (an understand step, or the step
/// waiting for it); a step never reads the same message twice.
/// </remarks>
public sealed partial class FlowRunner(FlowTemplates templates)
{
    /// <summary>Steps one turn may visit: a flow that loops without waiting stops here instead of spinning.</summary>
    public const int MaxStepsPerTurn = 64;

    /// <summary>A new conversation: the flow from its start, with the customer's first message when there is one.</summary>
    public FlowTurn Start(FlowDocument flow, long versionId, FlowContext context, CustomerInput? input = null)
    {
        var turn = new Turn(flow, context, new FlowState { VersionId = versionId }, input);
        if (input is not null && RuleFor(turn, input) is { } handoff)
        {
            return turn.Finish(handoff);
        }

        return Run(turn, flow.Start);
    }

    /// <summary>The flow from one of its steps (an advisor hands the conversation back to the bot there), with fresh variables.</summary>
    public FlowTurn StartAt(FlowDocument flow, long versionId, string stepId, FlowContext context) =>
        Run(new Turn(flow, context, new FlowState { VersionId = versionId }, null), stepId);

    /// <summary>A customer's message to a conversation with the bot.</summary>
    public FlowTurn OnCustomerMessage(FlowDocument flow, FlowState state, CustomerInput input, FlowContext context)
    {
        var turn = new Turn(flow, context, state, input);
        if (RuleFor(turn, input) is { } handoff)
        {
            return turn.Finish(handoff);
        }

        var at = flow.Step(state.At);
        if (at is null)
        {
            // The flow had ended (or its step is gone): the customer starts it again, and this message is used there.
            turn.State = state with { At = null, Retried = 0 };
            return Run(turn, flow.Start);
        }

        if (state.CallingApi)
        {
            // An answer never came (the node stopped during the call): call again, the message waits for its result.
            return turn.Finish(CallApi(turn, at));
        }

        return at.Type switch
        {
            StepKind.Ask or StepKind.Message => Answer(turn, at),
            StepKind.Understand => Understand(turn, at),
            _ => Run(turn, at.Next),
        };
    }

    /// <summary>The answer of the API that <see cref="FlowState.At"/> called (real or recorded).</summary>
    public FlowTurn OnApiResult(FlowDocument flow, FlowState state, ApiAnswer answer, FlowContext context)
    {
        var turn = new Turn(flow, context, state with { CallingApi = false }, null);
        var step = flow.Step(state.At) ?? throw new InvalidOperationException($"The flow has no step '{state.At}'.");
        foreach (var (name, value) in answer.Values)
        {
            turn.Vars[name] = value?.DeepClone();
        }

        var (kind, next) = answer.Outcome switch
        {
            ApiAnswerOutcome.Success => (FlowEventKind.ApiSucceeded, step.OnSuccess),
            ApiAnswerOutcome.NotFound => (FlowEventKind.ApiNotFound, step.OnNotFound ?? step.OnFailure),
            _ => (FlowEventKind.ApiFailed, step.OnFailure),
        };
        turn.Events.Add(new FlowEvent(kind, step.Id, answer.Detail));
        if (next is null && answer.Outcome != ApiAnswerOutcome.Success)
        {
            var rule = flow.Handoff.Rules.Find(r => r.When == HandoffTrigger.ApiFailure);
            return turn.Finish(rule is null
                ? new FlowAction.Handoff(flow.Handoff.Queue, 0, [], $"The {step.Id} API call failed ({answer.Detail}).")
                : HandoffBy(turn, rule, $"The {step.Id} API call failed ({answer.Detail})."));
        }

        return Run(turn, next);
    }

    private FlowTurn Run(Turn turn, string? stepId)
    {
        for (var visited = 0; stepId is not null; visited++)
        {
            var step = turn.Flow.Step(stepId);
            if (step is null || visited >= MaxStepsPerTurn)
            {
                var why = step is null ? $"the flow has no step '{stepId}'" : $"the flow went through {MaxStepsPerTurn} steps without waiting";
                return turn.Finish(new FlowAction.Handoff(turn.Flow.Handoff.Queue, 0, [], $"The bot stopped: {why}."));
            }

            turn.Events.Add(new FlowEvent(FlowEventKind.StepVisited, step.Id));
            turn.State = turn.State with { At = step.Id, Retried = 0 };
            switch (step.Type)
            {
                case StepKind.Message:
                    turn.Send(step, templates);
                    if (step.Choices().Any(o => o.Next is not null))
                    {
                        return turn.Finish(new FlowAction.Wait());
                    }

                    stepId = step.Next;
                    break;
                case StepKind.Ask:
                    turn.Send(step, templates);
                    return turn.Finish(new FlowAction.Wait());
                case StepKind.Understand:
                    if (turn.Input is not null)
                    {
                        return Understand(turn, step);
                    }

                    turn.SendText(step.Text, templates);
                    return turn.Finish(new FlowAction.Wait());
                case StepKind.Wait:
                    return turn.Finish(new FlowAction.Wait());
                case StepKind.Api:
                    return turn.Finish(CallApi(turn, step));
                case StepKind.Condition:
                    stepId = step.Branches.Find(b => Holds(turn, b.When))?.Next ?? step.Otherwise;
                    break;
                case StepKind.Set:
                    foreach (var (name, template) in step.Set)
                    {
                        turn.Vars[name] = templates.Render(template, turn.Model());
                    }

                    stepId = step.Next;
                    break;
                case StepKind.Goto:
                    return turn.Finish(new FlowAction.Goto(step.Flow!));
                case StepKind.External:
                    turn.SendText(step.Text, templates);
                    return turn.Finish(new FlowAction.External((JsonObject)turn.Vars.DeepClone()));
                case StepKind.Handoff:
                    turn.SendText(step.Text, templates);
                    var reason = step.Reason is { Length: > 0 } r ? templates.Render(r, turn.Model()) : $"The flow reached its {step.Id} step.";
                    return turn.Finish(new FlowAction.Handoff(step.Queue ?? turn.Flow.Handoff.Queue, step.Priority, step.Skills, reason));
                case StepKind.Resolve:
                    turn.SendText(step.Text, templates);
                    turn.Events.Add(new FlowEvent(FlowEventKind.Resolved, step.Id));
                    return turn.Finish(new FlowAction.Resolve());
            }
        }

        // Nothing follows: the bot's part is over until the customer writes again.
        turn.State = turn.State with { At = null };
        return turn.Finish(new FlowAction.Wait());
    }

    private static FlowAction.CallApi CallApi(Turn turn, FlowStep step)
    {
        turn.State = turn.State with { At = step.Id, CallingApi = true };
        return new FlowAction.CallApi(step.Id, step.Api!, turn.Model());
    }

    private bool Holds(Turn turn, string condition) =>
        templates.Render("{% if " + condition + " %}yes{% endif %}", turn.Model()) == "yes";
}

/// <summary>An API step's answer, as the flow sees it: the outcome, the values extracted into variables, and a word on why.</summary>
public sealed record ApiAnswer(ApiAnswerOutcome Outcome, IReadOnlyDictionary<string, JsonNode?> Values, string? Detail = null);

public enum ApiAnswerOutcome
{
    Success,
    NotFound,
    Failure,
}
