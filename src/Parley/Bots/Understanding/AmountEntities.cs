using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

/// <summary>
/// Amounts with a currency before or after: "12,50 €", "€12.50", "12.50 EUR", "12 euros", "$5", "1.234,56 €". The value is
/// "12.50 EUR": an invariant decimal and the ISO code. A separator followed by one or two final digits is the decimal
/// point, whichever it is; other separators group thousands ("1 234,50", "1,234.50").
/// </summary>
internal static partial class AmountEntities
{
    public static IEnumerable<Entity> Find(string text)
    {
        foreach (Match m in AmountPattern().Matches(text))
        {
            var symbol = m.Groups["before"].Success ? m.Groups["before"].Value : m.Groups["after"].Value;
            if (TryParse(m.Groups["number"].Value, out var amount))
            {
                yield return EntityExtractor.Found(
                    EntityKind.Amount, m, string.Create(CultureInfo.InvariantCulture, $"{amount} {Currency(symbol)}"));
            }
        }
    }

    private static bool TryParse(string written, out decimal amount)
    {
        var lastSeparator = written.LastIndexOfAny(['.', ',', ' ', '\'', '\u00A0', '\u202F']);
        var decimals = lastSeparator >= 0 && written.Length - lastSeparator - 1 is 1 or 2 && written[lastSeparator] is '.' or ',';
        var integer = decimals ? written[..lastSeparator] : written;
        var digits = new string([.. integer.Where(char.IsDigit)]) + (decimals ? "." + written[(lastSeparator + 1)..] : "");
        return decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }

    private static string Currency(string symbol) => symbol.ToUpperInvariant() switch
    {
        "$" or "USD" or "DOLLAR" or "DOLLARS" => "USD",
        "£" or "GBP" => "GBP",
        "CHF" => "CHF",
        _ => "EUR",
    };

    private const string Number = @"(?<number>\d{1,3}(?:[ .,'\u00A0\u202F]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)";

    [GeneratedRegex(
        @"(?<![\p{L}\d.,])(?:(?<before>€|\$|£|EUR|USD|GBP|CHF)\s?" + Number + @"|" + Number + @"\s?(?<after>€|\$|£|EUR|USD|GBP|CHF|euros?|dollars?)(?![\p{L}]))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();
}
