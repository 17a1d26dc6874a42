using System.Buffers;

namespace Parley.Bots.Understanding;

/// <summary>
/// Turns a text into feature hashes: words, pairs of neighbouring words, and character n-grams of each word
/// (3 to 5 letters, word boundaries included). The n-grams carry what words alone miss in short customer messages:
/// typos ("colsi"), French and Italian inflections ("bloqué"/"bloquée", "spedizione"/"spedizioni") and compounds.
/// Hashes rather than strings, so predicting allocates nothing per feature; 64 bits make collisions negligible.
/// </summary>
internal static class IntentFeatures
{
    private const int MinCharGram = 3;
    private const int MaxCharGram = 5;
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const ulong WordSeed = 0x9E3779B97F4A7C15;
    private const ulong PairSeed = 0xC2B2AE3D27D4EB4F;

    /// <summary>Longest text read: a customer's message past this adds nothing to its intent.</summary>
    public const int MaxChars = 1_000;

    /// <summary>Folds <paramref name="text"/> and adds its feature hashes to <paramref name="hashes"/> (cleared first).</summary>
    public static void Extract(ReadOnlySpan<char> text, List<ulong> hashes)
    {
        hashes.Clear();
        text = text.Length > MaxChars ? text[..MaxChars] : text;
        var rented = ArrayPool<char>.Shared.Rent((text.Length * TextFolding.MaxGrowth) + 2);
        try
        {
            var length = TextFolding.FoldForFeatures(text, rented);
            AddFeatures(rented.AsSpan(0, length), hashes);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    // `folded` starts and ends with a space and has one space between words.
    private static void AddFeatures(ReadOnlySpan<char> folded, List<ulong> hashes)
    {
        var previousWord = 0UL;
        var start = 1;
        while (start < folded.Length)
        {
            var end = folded[start..].IndexOf(' ') + start;
            if (end < start)
            {
                break;
            }

            var word = Hash(folded[start..end], WordSeed);
            hashes.Add(word);
            if (previousWord != 0)
            {
                hashes.Add(Mix(previousWord * PairSeed, word));
            }

            // The n-grams see the word with its bounding spaces, so prefixes and suffixes are features of their own.
            AddCharGrams(folded[(start - 1)..(end + 1)], hashes);
            previousWord = word;
            start = end + 1;
        }
    }

    private static void AddCharGrams(ReadOnlySpan<char> bounded, List<ulong> hashes)
    {
        for (var i = 0; i + MinCharGram <= bounded.Length; i++)
        {
            var hash = OffsetBasis;
            for (var n = 1; n <= MaxCharGram && i + n <= bounded.Length; n++)
            {
                hash = (hash ^ bounded[i + n - 1]) * Prime;
                if (n >= MinCharGram)
                {
                    hashes.Add(hash);
                }
            }
        }
    }

    private static ulong Hash(ReadOnlySpan<char> span, ulong seed)
    {
        var hash = OffsetBasis ^ seed;
        foreach (var c in span)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    private static ulong Mix(ulong a, ulong b) => (a ^ (b + 0x9E3779B97F4A7C15 + (a << 6) + (a >> 2))) * Prime;
}
