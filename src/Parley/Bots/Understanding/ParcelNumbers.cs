using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

/// <summary>
/// Parcel numbers: UPU S10 identifiers (two letters, eight digits, a check digit, the two-letter country:
/// RR123456785IT), accepted only when the check digit is right, so a typo is not taken for a parcel; and 12 or 13 digit
/// domestic tracking codes standing alone.
/// </summary>
internal static partial class ParcelNumbers
{
    private static readonly int[] Weights = [8, 6, 4, 2, 3, 5, 9, 7];

    public static IEnumerable<Entity> FindS10(string text) =>
        S10Pattern().Matches(text)
            .Where(m => IsValidS10(m.Groups["serial"].Value, m.Groups["check"].Value[0] - '0'))
            .Select(m => EntityExtractor.Found(
                EntityKind.ParcelNumber, m, $"{m.Groups["service"].Value}{m.Groups["serial"].Value}{m.Groups["check"].Value}{m.Groups["country"].Value}".ToUpperInvariant()));

    public static IEnumerable<Entity> FindDomestic(string text) =>
        DomesticPattern().Matches(text).Select(m => EntityExtractor.Found(EntityKind.ParcelNumber, m, m.Value));

    /// <summary>The S10 check: weights 8 6 4 2 3 5 9 7 over the serial, 11 minus the sum modulo 11, with 10 read as 0 and 11 as 5.</summary>
    public static bool IsValidS10(string serial, int check)
    {
        var sum = 0;
        for (var i = 0; i < Weights.Length; i++)
        {
            sum += (serial[i] - '0') * Weights[i];
        }

        var expected = 11 - (sum % 11);
        expected = expected switch
        {
            10 => 0,
            11 => 5,
            _ => expected,
        };
        return expected == check;
    }

    [GeneratedRegex(@"(?<![\p{L}\d])(?<service>[a-z]{2}) ?(?<serial>\d{8})(?<check>\d) ?(?<country>[a-z]{2})(?![\p{L}\d])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex S10Pattern();

    [GeneratedRegex(@"(?<![\p{L}\d+])\d{12,13}(?![\p{L}\d])", RegexOptions.CultureInvariant)]
    private static partial Regex DomesticPattern();
}
