namespace Parley.Bots.Understanding;

/// <summary>
/// Lowercases and strips accents without <c>string.Normalize</c> (the host runs with invariant globalization), so
/// "Bloqué", "bloque" and "BLOQUE" meet, and French/Italian typed on an English keyboard still matches.
/// </summary>
internal static class TextFolding
{
    /// <summary>The most a folded text can grow: "œ" and "æ" become two letters.</summary>
    public const int MaxGrowth = 2;

    /// <summary>
    /// Writes letters and digits folded, and one space for each run of anything else (punctuation, apostrophes),
    /// with a space at both ends so every word is bounded. Digits all become '0': amounts and dates are entities, not intents.
    /// </summary>
    public static int FoldForFeatures(ReadOnlySpan<char> text, Span<char> destination)
    {
        var length = 0;
        destination[length++] = ' ';
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                destination[length++] = '0';
                continue;
            }

            if (!char.IsLetter(c))
            {
                if (destination[length - 1] != ' ')
                {
                    destination[length++] = ' ';
                }

                continue;
            }

            length += Fold(c, destination[length..]);
        }

        if (destination[length - 1] != ' ')
        {
            destination[length++] = ' ';
        }

        return length;
    }

    /// <summary>The whole text folded, punctuation kept: for the rule-based readers (human request, sentiment, language).</summary>
    public static string Fold(string text)
    {
        var buffer = text.Length <= 256 ? stackalloc char[text.Length * MaxGrowth] : new char[text.Length * MaxGrowth];
        var length = 0;
        foreach (var c in text)
        {
            length += char.IsLetter(c) ? Fold(c, buffer[length..]) : Write(char.ToLowerInvariant(c), buffer[length..]);
        }

        return new string(buffer[..length]);
    }

    /// <summary>The entries of a word list written in this folder's code, one space or line break apart.</summary>
    public static string[] ListedWords(string list) => list.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    public static HashSet<string> WordSet(string list) => new(ListedWords(list), StringComparer.Ordinal);

    /// <summary>The folded words of a text: its runs of letters.</summary>
    public static List<string> Words(string text) => LetterRuns(Fold(text));

    /// <summary>The runs of letters of a text, as written.</summary>
    public static List<string> LetterRuns(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var letter = i < text.Length && char.IsLetter(text[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
        }

        return words;
    }

    private static int Fold(char c, Span<char> destination)
    {
        var lower = char.ToLowerInvariant(c);
        if (lower < 'à')
        {
            return Write(lower, destination);
        }

        return lower switch
        {
            'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' => Write('a', destination),
            'ç' => Write('c', destination),
            'è' or 'é' or 'ê' or 'ë' => Write('e', destination),
            'ì' or 'í' or 'î' or 'ï' => Write('i', destination),
            'ñ' => Write('n', destination),
            'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' => Write('o', destination),
            'ù' or 'ú' or 'û' or 'ü' => Write('u', destination),
            'ý' or 'ÿ' => Write('y', destination),
            'œ' => Write('o', 'e', destination),
            'æ' => Write('a', 'e', destination),
            'ß' => Write('s', 's', destination),
            _ => Write(lower, destination),
        };
    }

    private static int Write(char c, Span<char> destination)
    {
        destination[0] = c;
        return 1;
    }

    private static int Write(char first, char second, Span<char> destination)
    {
        destination[0] = first;
        destination[1] = second;
        return 2;
    }
}
