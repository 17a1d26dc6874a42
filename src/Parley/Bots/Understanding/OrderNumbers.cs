using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

/// <summary>
/// Order numbers. The rule: either the prefix ORD ("ORD-123456", "ord 123456"), or the word for order in French, English
/// or Italian ("order", "commande", "ordine", "ordre"), optionally followed by a number marker ("number", "no", "n°",
/// "numéro", "num.", "#", ":") and then 4 to 12 digits. A bare number is never an order: it needs the prefix or the word.
/// The value is the digits alone, so "ORD-123456" and "commande n° 123456" both give "123456".
/// </summary>
internal static partial class OrderNumbers
{
    public static IEnumerable<Entity> Find(string text) =>
        OrderPattern().Matches(text).Select(m => new Entity(
            EntityKind.OrderNumber, m.Value, m.Groups["digits"].Value, m.Index, m.Length));

    [GeneratedRegex(
        @"(?<![\p{L}\d])(?:ord[-\s]?|(?:order|commande|ordine|ordre)\s*(?:(?:number|num[eé]ro|numero|num\.?|no\.?|n°|nº|n\.)\s*)?[:#\s]*)(?<digits>\d{4,12})(?![\p{L}\d])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderPattern();
}
