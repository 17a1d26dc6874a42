namespace Parley.Bots.Understanding;

/// <summary>One phrase a customer could write, labelled with the intent it expresses.</summary>
public sealed record IntentExample(string Text, string Intent);

/// <summary>
/// What a text most likely means. <see cref="Intent"/> is null only when the model was trained on nothing.
/// <see cref="Ranking"/> holds the best intents first, at most <see cref="IntentModel.RankingSize"/> of them.
/// </summary>
public sealed record IntentPrediction(string? Intent, double Confidence, IReadOnlyList<IntentScore> Ranking);

/// <summary>An intent and its probability under the model (the scores of all intents add up to 1).</summary>
public sealed record IntentScore(string Intent, double Score);
