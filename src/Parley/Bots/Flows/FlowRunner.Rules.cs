using System.Text.Json.Nodes;

namespace Parley.Bots.Flows;

public sealed partial class FlowRunner
{
    /// <summary>The first handoff rule a customer's message fires (misunderstandings and API failures are counted where they happen).</summary>
    private static FlowAction.Handoff? RuleFor(Turn turn, CustomerInput input)
    {
        foreach (var rule in turn.Flow.Handoff.Rules)
        {
            var why = rule.When switch
            {
                HandoffTrigger.AsksForHuman when input.Insight.AsksForHuman => "The customer asked for a human.",
                HandoffTrigger.Keywords when Keyword(rule, input.Text) is { } word => $"The message contains \"{word}\".",
                HandoffTrigger.Intents when input.Insight.Intent is { } intent && input.Insight.IntentConfidence >= turn.Flow.IntentThreshold
                    && rule.Intents.Contains(intent, StringComparer.Ordinal) => $"The customer's intent is {intent}.",
                HandoffTrigger.NegativeSentiment when input.Insight.Sentiment < rule.Below =>
                    $"Negative sentiment ({input.Insight.Sentiment.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}).",
                HandoffTrigger.ContactAttribute when Truthy(turn, rule.Attribute) => $"The contact is {rule.Attribute}.",
                _ => null,
            };
            if (why is not null)
            {
                return HandoffBy(turn, rule, why);
            }
        }

        return null;
    }

    private static FlowAction.Handoff HandoffBy(Turn turn, HandoffRule rule, string why) =>
        new(rule.Queue ?? turn.Flow.Handoff.Queue, rule.Priority, [], rule.Reason is { Length: > 0 } reason ? reason : why);

    private static string? Keyword(HandoffRule rule, string? text) =>
        text is null ? null : rule.Keywords.FirstOrDefault(k => k.Length > 0 && text.Contains(k, StringComparison.OrdinalIgnoreCase));

    private static bool Truthy(Turn turn, string? attribute)
    {
        if (attribute is null || turn.Model()["contact"]?["attributes"]?[attribute] is not JsonValue value)
        {
            return false;
        }

        return value.TryGetValue<bool>(out var flag) ? flag
            : value.TryGetValue<string>(out var text) ? text.Length > 0 && !string.Equals(text, "false", StringComparison.OrdinalIgnoreCase)
            : value.TryGetValue<double>(out var number) && number != 0;
    }
}
