namespace Parley.Bots.Understanding;

public enum SentimentLabel
{
    Negative,
    Neutral,
    Positive,
}

/// <summary>How positive a message is, from -1 to 1, and the label a bot or a supervisor acts on.</summary>
public sealed record SentimentScore(double Score, SentimentLabel Label);

/// <summary>
/// Lexicon-based sentiment for French, English and Italian customer messages. Each known word adds its polarity; a
/// negation in the three words before it flips and softens it ("pas content" is negative, "not bad" mildly positive);
/// an intensifier just before it, or the word shouted in capitals, makes it 1.5 times stronger; exclamation marks
/// strengthen the whole message. The sum is squashed into [-1, 1]; beyond ±<see cref="Threshold"/> it is labelled.
/// </summary>
public static class SentimentAnalyzer
{
    public const double Threshold = 0.2;

    private const double NegatedFactor = -0.6;
    private const double Emphasis = 1.5;
    private const int NegationReach = 3;

    // The larger, the more evidence it takes to approach ±1: one strong word ("parfait", 3) gives about 0.73.
    private const double Saturation = 8;

    /// <param name="language">"fr", "en" or "it" to read that language's words first; detected when null.</param>
    public static SentimentScore Score(string text, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        language ??= LanguageDetector.Detect(text).Language;
        var lexicons = SentimentLexicon.Polarity.OrderBy(l => l.Key == language ? 0 : 1).Select(l => l.Value).ToList();
        var words = TextFolding.Words(text);
        var shouted = ShoutedWords(text);
        var sum = 0.0;
        for (var i = 0; i < words.Count; i++)
        {
            var polarity = Lookup(lexicons, words[i]);
            if (polarity == 0)
            {
                continue;
            }

            if (i > 0 && SentimentLexicon.Intensifiers.Contains(words[i - 1]))
            {
                polarity *= Emphasis;
            }

            if (shouted.Contains(words[i]))
            {
                polarity *= Emphasis;
            }

            if (IsNegated(words, i))
            {
                polarity *= NegatedFactor;
            }

            sum += polarity;
        }

        var exclamations = Math.Min(text.Count(c => c == '!'), 3);
        sum *= 1 + (0.15 * exclamations);
        var score = sum / Math.Sqrt((sum * sum) + Saturation);
        var label = score <= -Threshold ? SentimentLabel.Negative : score >= Threshold ? SentimentLabel.Positive : SentimentLabel.Neutral;
        return new SentimentScore(score, label);
    }

    private static double Lookup(List<IReadOnlyDictionary<string, double>> lexicons, string word)
    {
        foreach (var lexicon in lexicons)
        {
            if (lexicon.TryGetValue(word, out var polarity))
            {
                return polarity;
            }
        }

        return 0;
    }

    private static bool IsNegated(List<string> words, int at)
    {
        for (var i = Math.Max(0, at - NegationReach); i < at; i++)
        {
            if (SentimentLexicon.Negators.Contains(words[i]))
            {
                return true;
            }
        }

        return false;
    }

    // Words of three letters or more written all in capitals, folded like the rest: "C'est INADMISSIBLE".
    private static HashSet<string> ShoutedWords(string text) =>
        [.. TextFolding.LetterRuns(text).Where(w => w.Length >= 3 && w.All(char.IsUpper)).Select(w => TextFolding.Fold(w))];
}
