namespace Parley.Bots.Understanding;

/// <summary>A language code ("fr", "en", "it") and how sure the guess is, from 0 to 1.</summary>
public sealed record LanguageGuess(string Language, double Confidence);

/// <summary>
/// Tells French, English and Italian apart, even in a word or two. Two signals, added up per language: known words
/// (each counts more when only one language has it: "bonjour" decides alone, "la" barely) and how likely the text's
/// letter trigrams are under each language's profile, which catches words in no list. The confidence is the winner's
/// share, pulled towards a third when the text gives little evidence, so "ok" or "123" come back as a low-confidence guess.
/// </summary>
public static class LanguageDetector
{
    /// <summary>The guess when a text has no letters at all.</summary>
    public const string Fallback = "en";

    private const double WordWeight = 3.0;
    private static readonly string[] Languages = ["fr", "en", "it"];
    private static readonly Dictionary<string, double[]> WordScores = BuildWordScores();
    private static readonly TrigramProfile[] Profiles = [.. Languages.Select(l => new TrigramProfile(TextFolding.ListedWords(LanguageWords.ByLanguage[l])))];

    public static LanguageGuess Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = TextFolding.Words(text);
        if (words.Count == 0)
        {
            return new LanguageGuess(Fallback, 1.0 / Languages.Length);
        }

        var scores = new double[Languages.Length];
        var known = 0.0;
        var letters = 0;
        foreach (var word in words)
        {
            letters += word.Length;
            if (WordScores.TryGetValue(word, out var weights))
            {
                known += weights.Max();
                for (var l = 0; l < scores.Length; l++)
                {
                    scores[l] += WordWeight * weights[l];
                }
            }

            for (var l = 0; l < scores.Length; l++)
            {
                scores[l] += Profiles[l].LogLikelihood(word) / Math.Max(letters, 8);
            }
        }

        var best = 0;
        for (var l = 1; l < scores.Length; l++)
        {
            best = scores[l] > scores[best] ? l : best;
        }

        var share = 1.0 / scores.Sum(s => Math.Exp(s - scores[best]));
        var evidence = Math.Min(1.0, (known * 0.6) + (letters / 25.0));
        var chance = 1.0 / Languages.Length;
        return new LanguageGuess(Languages[best], chance + ((share - chance) * evidence));
    }

    // A word's score per language: 1 shared by the languages that list it.
    private static Dictionary<string, double[]> BuildWordScores()
    {
        var owners = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var l = 0; l < Languages.Length; l++)
        {
            foreach (var word in TextFolding.ListedWords(LanguageWords.ByLanguage[Languages[l]]))
            {
                var list = owners.TryGetValue(word, out var found) ? found : owners[word] = [];
                if (!list.Contains(l))
                {
                    list.Add(l);
                }
            }
        }

        return owners.ToDictionary(o => o.Key, o =>
        {
            var weights = new double[Languages.Length];
            o.Value.ForEach(l => weights[l] = 1.0 / o.Value.Count);
            return weights;
        });
    }

    /// <summary>Letter trigrams of a language's words (with word boundaries), as smoothed log-probabilities.</summary>
    private sealed class TrigramProfile
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly double _unseen;
        private readonly double _logTotal;

        public TrigramProfile(IEnumerable<string> words)
        {
            var total = 0;
            foreach (var word in words.Distinct(StringComparer.Ordinal))
            {
                foreach (var trigram in Trigrams(word))
                {
                    _counts[trigram] = _counts.GetValueOrDefault(trigram) + 1;
                    total++;
                }
            }

            _logTotal = Math.Log(total + _counts.Count + 1);
            _unseen = -_logTotal;
        }

        public double LogLikelihood(string word) =>
            Trigrams(word).Sum(t => _counts.TryGetValue(t, out var n) ? Math.Log(n + 1) - _logTotal : _unseen);

        private static IEnumerable<string> Trigrams(string word)
        {
            var bounded = $" {word} ";
            for (var i = 0; i + 3 <= bounded.Length; i++)
            {
                yield return bounded.Substring(i, 3);
            }
        }
    }
}
