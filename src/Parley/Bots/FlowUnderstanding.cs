using Parley.Bots.Flows;

namespace Parley.Bots;

/// <summary>What reads customers' messages for one flow version: its intents, trained once, and the shared analysers.</summary>
public sealed class FlowUnderstanding
{
    private static readonly string[] HumanWords = ["human", "advisor", "agent", "conseiller", "humain", "operatore", "operator", "persona"];

    private FlowUnderstanding()
    {
    }

    public static FlowUnderstanding Train(FlowDocument flow) => new();

    public MessageInsight Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MessageInsight();
        }

        return new MessageInsight(AsksForHuman: HumanWords.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }
}
