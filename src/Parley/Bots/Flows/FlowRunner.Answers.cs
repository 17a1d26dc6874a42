using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Parley.Bots.Flows;

public sealed partial class FlowRunner
{
    /// <summary>The customer answers the step waiting for them: a choice, or free text of the kind it expects.</summary>
    private FlowTurn Answer(Turn turn, FlowStep step)
    {
        var input = turn.Take()!;
        var choice = Choose(step, input);
        if (choice is not null)
        {
            Understood(turn, step, JsonValue.Create(choice.Title));
            return Run(turn, choice.Next ?? step.Next);
        }

        if (step.Type == StepKind.Ask && step.Expect != AnswerKind.Choice && Accept(step, input) is { } value)
        {
            Understood(turn, step, value);
            return Run(turn, step.Next);
        }

        // Free text where choices were offered may still say what the customer wants.
        if (Route(turn, step, input) is { } routed)
        {
            Understood(turn, step, null);
            return Run(turn, routed);
        }

        return Misunderstood(turn, step, input);
    }

    /// <summary>Routes on the intent of the customer's message, or goes to <see cref="FlowStep.Otherwise"/>.</summary>
    private FlowTurn Understand(Turn turn, FlowStep step)
    {
        var input = turn.Take()!;
        if (Route(turn, step, input) is { } next)
        {
            Understood(turn, step, null);
            return Run(turn, next);
        }

        if (step.Otherwise is not null)
        {
            return Run(turn, step.Otherwise);
        }

        return Misunderstood(turn, step, input);
    }

    private static string? Route(Turn turn, FlowStep step, CustomerInput input) =>
        input.Insight.Intent is { } intent && input.Insight.IntentConfidence >= turn.Flow.IntentThreshold
            ? step.Routes.Find(r => string.Equals(r.Intent, intent, StringComparison.Ordinal))?.Next
            : null;

    private static void Understood(Turn turn, FlowStep step, JsonNode? value)
    {
        if (step.SaveAs is { Length: > 0 } name && value is not null)
        {
            turn.Vars[name] = value;
        }

        turn.State = turn.State with { Retried = 0, MisunderstoodInRow = 0 };
    }

    private FlowTurn Misunderstood(Turn turn, FlowStep step, CustomerInput input)
    {
        turn.State = turn.State with { Retried = turn.State.Retried + 1, MisunderstoodInRow = turn.State.MisunderstoodInRow + 1 };
        turn.Events.Add(new FlowEvent(FlowEventKind.Misunderstood, step.Id, input.Text));
        var rule = turn.Flow.Handoff.Rules.Find(r => r.When == HandoffTrigger.Misunderstandings && turn.State.MisunderstoodInRow >= r.Count);
        if (rule is not null)
        {
            return turn.Finish(HandoffBy(turn, rule, $"{turn.State.MisunderstoodInRow} messages in a row not understood."));
        }

        if (turn.State.Retried > step.Retries)
        {
            if (step.Fallback is not null)
            {
                return Run(turn, step.Fallback);
            }

            return turn.Finish(new FlowAction.Handoff(turn.Flow.Handoff.Queue, 0, [], $"Not understood {turn.State.Retried} times at step {step.Id}."));
        }

        // Ask again, with the choices again where there were some.
        var again = step.RetryText ?? DefaultRetry(step);
        turn.Messages.Add(new FlowMessage(templates.Render(again, turn.Model()), step.Options.Count == 0 ? null : step.Options, step.Style, Cards: turn.Cards(step, templates)));
        var retried = turn.State;
        return turn.Finish(new FlowAction.Wait()) with { State = retried };
    }

    private static string DefaultRetry(FlowStep step) => step.Expect switch
    {
        _ when step.Choices().Count > 0 => "Sorry, I didn't get that. Please choose one of these:",
        AnswerKind.ParcelNumber => "That doesn't look like a parcel number. It has 13 characters, like RR123456785IT, or 12 to 13 digits.",
        AnswerKind.Email => "That doesn't look like an email address. Could you type it again?",
        AnswerKind.Phone => "That doesn't look like a phone number. Could you type it again, with its country code?",
        AnswerKind.Date => "That doesn't look like a date. Could you type it like 24/12/2026?",
        AnswerKind.Number => "Please answer with a number.",
        _ => "Sorry, I didn't get that. Could you say it another way?",
    };

    private static FlowOption? Choose(FlowStep step, CustomerInput input)
    {
        var choices = step.Choices();
        if (choices.Count == 0)
        {
            return null;
        }

        if (input.ReplyTo is { } id)
        {
            return choices.FirstOrDefault(o => string.Equals(o.Key, id, StringComparison.Ordinal));
        }

        var typed = input.Text?.Trim();
        if (string.IsNullOrEmpty(typed))
        {
            return null;
        }

        // A channel without buttons lists the choices as numbered lines: the customer answers with the number or the title.
        if (int.TryParse(typed.TrimEnd('.', ')'), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= choices.Count)
        {
            return choices[number - 1];
        }

        return choices.FirstOrDefault(o => string.Equals(o.Title, typed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The answer's value when it is of the kind the step expects (entities come from the message's insight).</summary>
    private static JsonValue? Accept(FlowStep step, CustomerInput input)
    {
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return step.Expect switch
        {
            AnswerKind.Text => JsonValue.Create(text),
            AnswerKind.Number => decimal.TryParse(text.Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null,
            AnswerKind.Regex => Regex.Match(text, step.Pattern ?? "^$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)) is { Success: true } m
                ? JsonValue.Create(m.Value) : null,
            _ => input.Insight.Entities?.FirstOrDefault(e => string.Equals(e.Kind, EntityKindName(step.Expect), StringComparison.Ordinal)) is { } entity
                ? JsonValue.Create(entity.Value) : null,
        };
    }

    /// <summary>The entity kind an answer kind takes (parcel_number, order_number, email, phone, date).</summary>
    public static string EntityKindName(AnswerKind kind) => kind switch
    {
        AnswerKind.ParcelNumber => "parcel_number",
        AnswerKind.OrderNumber => "order_number",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
