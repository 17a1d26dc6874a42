using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

/// <summary>
/// Dates as customers write them: 12/03/2026 (day first, as in France and Italy; also with '-' or '.', and two-digit
/// years read as 20yy), 2026-03-12, "12 mars", "3 March", "March 3rd", "5 maggio" (with an optional year; without one,
/// the reference date's year), and today/aujourd'hui/oggi, yesterday/hier/ieri, tomorrow/demain/domani. Impossible
/// dates (31/02) are not dates.
/// </summary>
internal static partial class DateEntities
{
    private static readonly Dictionary<string, int> Months = BuildMonths();

    public static IEnumerable<Entity> Find(string text, DateOnly today)
    {
        foreach (Match m in NumericPattern().Matches(text))
        {
            var iso = m.Groups["y4"].Success;
            var year = Year(iso ? m.Groups["y4"].Value : m.Groups["y"].Value);
            var month = int.Parse(iso ? m.Groups["m4"].Value : m.Groups["m"].Value, CultureInfo.InvariantCulture);
            var day = int.Parse(iso ? m.Groups["d4"].Value : m.Groups["d"].Value, CultureInfo.InvariantCulture);
            if (TryDate(year, month, day, out var date))
            {
                yield return EntityExtractor.Found(EntityKind.Date, m, Iso(date));
            }
        }

        foreach (Match m in NamedPattern().Matches(text))
        {
            var day = int.Parse(m.Groups["d"].Success ? m.Groups["d"].Value : m.Groups["d2"].Value, CultureInfo.InvariantCulture);
            var month = Months[TextFolding.Fold(m.Groups["month"].Success ? m.Groups["month"].Value : m.Groups["month2"].Value)];
            var year = m.Groups["y"].Success ? int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture) : today.Year;
            if (TryDate(year, month, day, out var date))
            {
                yield return EntityExtractor.Found(EntityKind.Date, m, Iso(date));
            }
        }

        foreach (Match m in RelativePattern().Matches(text))
        {
            var offset = TextFolding.Fold(m.Value) switch
            {
                "yesterday" or "hier" or "ieri" => -1,
                "tomorrow" or "demain" or "domani" => 1,
                _ => 0,
            };
            yield return EntityExtractor.Found(EntityKind.Date, m, Iso(today.AddDays(offset)));
        }
    }

    private static int Year(string written)
    {
        var year = int.Parse(written, CultureInfo.InvariantCulture);
        return written.Length == 2 ? 2000 + year : year;
    }

    private static bool TryDate(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < 1900 or > 2199 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Month names folded (no accents), French, English (with abbreviations) and Italian.
    private static Dictionary<string, int> BuildMonths()
    {
        string[] names =
        [
            "janvier january jan gennaio", "fevrier february feb febbraio", "mars march mar marzo", "avril april apr aprile",
            "mai may maggio", "juin june jun giugno", "juillet july jul luglio", "aout august aug agosto",
            "septembre september sep sept settembre", "octobre october oct ottobre", "novembre november nov",
            "decembre december dec dicembre",
        ];
        var months = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            foreach (var name in TextFolding.ListedWords(names[i]))
            {
                months[name] = i + 1;
            }
        }

        return months;
    }

    [GeneratedRegex(
        @"(?<![\d/.-])(?:(?<d>\d{1,2})[/.-](?<m>\d{1,2})[/.-](?<y>\d{4}|\d{2})|(?<y4>\d{4})-(?<m4>\d{1,2})-(?<d4>\d{1,2}))(?![\d/.-]\d)",
        RegexOptions.CultureInvariant)]
    private static partial Regex NumericPattern();

    private const string MonthNames =
        "janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|"
        + "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec|"
        + "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|dicembre";

    [GeneratedRegex(
        @"(?<![\p{L}\d])(?:(?<d>\d{1,2})(?:er|st|nd|rd|th|°)?\s+(?:of\s+)?(?<month>" + MonthNames + @")\.?|(?<month2>" + MonthNames + @")\.?\s+(?<d2>\d{1,2})(?:st|nd|rd|th)?)(?:,?\s+(?<y>\d{4}))?(?![\p{L}\d])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedPattern();

    [GeneratedRegex(@"(?<![\p{L}])(?:today|yesterday|tomorrow|aujourd['’]hui|hier|demain|oggi|ieri|domani)(?![\p{L}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativePattern();
}
