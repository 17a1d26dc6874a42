using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

/// <summary>
/// Phone numbers, normalised to E.164 ("+33612345678"): international forms ("+33 6 12 34 56 78", "0039 333 1234567",
/// "+33 (0)6..."), French national numbers (0 and nine digits: 06 12 34 56 78) and Italian ones (mobiles: 3 and nine
/// digits; landlines: 0 and 7 to 10 digits, shorter ones being too often something else, the 0 kept after +39). A ten-digit number starting with 0 fits both
/// countries: it is read as Italian when the message is Italian (<see cref="LanguageDetector"/>), else as French.
/// </summary>
internal static partial class PhoneEntities
{
    public static IEnumerable<Entity> Find(string text)
    {
        var italian = new Lazy<bool>(() => LanguageDetector.Detect(text).Language == "it");
        foreach (Match m in PhonePattern().Matches(text))
        {
            var written = m.Value.Replace("(0)", "", StringComparison.Ordinal);
            var digits = new string([.. written.Where(char.IsDigit)]);
            var value = E164(written, digits, italian);
            if (value is not null)
            {
                yield return EntityExtractor.Found(EntityKind.Phone, m, value);
            }
        }
    }

    private static string? E164(string written, string digits, Lazy<bool> italian)
    {
        if (written.StartsWith('+'))
        {
            return digits.Length is >= 8 and <= 15 ? "+" + digits : null;
        }

        if (written.StartsWith("00", StringComparison.Ordinal))
        {
            return digits.Length - 2 is >= 8 and <= 15 ? "+" + digits[2..] : null;
        }

        if (digits.Length == 10 && digits[0] == '3')
        {
            return "+39" + digits;
        }

        if (digits.Length == 10 && digits[0] == '0' && digits[1] != '0' && !italian.Value)
        {
            return "+33" + digits[1..];
        }

        return digits[0] == '0' && digits.Length is >= 8 and <= 11 ? "+39" + digits : null;
    }

    // Six to fifteen digits, each after at most one space, dot or dash (or "(0)"), so matching stays linear; a leading
    // + or 00 means international.
    [GeneratedRegex(@"(?<![\w+])(?:\+|00)?\d(?:(?:[ .-]|\s?\(0\)\s?)?\d){5,14}(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();
}
