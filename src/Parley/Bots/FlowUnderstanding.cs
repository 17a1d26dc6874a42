using Parley.Bots.Flows;
using Parley.Bots.Understanding;

namespace Parley.Bots;

/// <summary>What reads customers' messages for one flow version: its intents, trained once, and the shared analysers.</summary>
public sealed class FlowUnderstanding
{
    private readonly IntentModel? _intents;

    private FlowUnderstanding(IntentModel? intents) => _intents = intents;

    /// <summary>Trains the flow's intents on their example phrases, every language together (a few milliseconds for a bot's dozens).</summary>
    public static FlowUnderstanding Train(FlowDocument flow)
    {
        var examples = flow.Intents
            .SelectMany(intent => intent.Value.Values.SelectMany(phrases => phrases).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => new IntentExample(p, intent.Key)))
            .ToList();
        return new FlowUnderstanding(examples.Select(e => e.Intent).Distinct(StringComparer.Ordinal).Any() ? IntentModel.Train(examples) : null);
    }

    public MessageInsight Read(string? text, DateOnly? today = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MessageInsight();
        }

        var prediction = _intents?.Predict(text);
        var language = LanguageDetector.Detect(text).Language;
        var entities = (today is { } day ? EntityExtractor.Extract(text, day) : EntityExtractor.Extract(text))
            .Select(e => new FoundEntity(KindName(e.Kind), e.Value))
            .ToList();
        return new MessageInsight(
            prediction?.Intent,
            prediction?.Confidence ?? 0,
            language,
            SentimentAnalyzer.Score(text, language).Score,
            HumanRequest.IsAskingForHuman(text),
            entities);
    }

    /// <summary>An entity's kind as flows name it (<c>parcel_number</c>, <c>email</c>...).</summary>
    public static string KindName(EntityKind kind) => kind switch
    {
        EntityKind.ParcelNumber => "parcel_number",
        EntityKind.OrderNumber => "order_number",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
