using System.Text.RegularExpressions;

namespace Parley.Bots.Understanding;

public enum EntityKind
{
    ParcelNumber,
    OrderNumber,
    Date,
    Email,
    Phone,
    Amount,
}

/// <summary>
/// Something the customer wrote that the bot can act on. <see cref="Text"/> is as written, at <see cref="Start"/> for
/// <see cref="Length"/> characters; <see cref="Value"/> is its normal form: a parcel number in capitals without spaces, an
/// order number's digits, an ISO date (yyyy-mm-dd), a lowercased email, an E.164 phone number, an amount as
/// "12.50 EUR" (invariant decimal, ISO currency).
/// </summary>
public sealed record Entity(EntityKind Kind, string Text, string Value, int Start, int Length);

/// <summary>
/// Finds parcel and order numbers, dates, emails, phone numbers and amounts in French, English and Italian messages.
/// Where two readings overlap, the more specific one wins, in this order: email, S10 parcel number, order number
/// (it needs its keyword), domestic parcel number, date, amount, phone. Pure and thread-safe.
/// </summary>
public static partial class EntityExtractor
{
    /// <summary>Reads relative dates ("today", "hier", "ieri") from the current UTC date.</summary>
    public static IReadOnlyList<Entity> Extract(string text) => Extract(text, DateOnly.FromDateTime(DateTime.UtcNow));

    /// <summary>Reads relative dates from <paramref name="today"/>, and day-month dates without a year in its year.</summary>
    public static IReadOnlyList<Entity> Extract(string text, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(text);
        var candidates = Emails(text)
            .Concat(ParcelNumbers.FindS10(text))
            .Concat(OrderNumbers.Find(text))
            .Concat(ParcelNumbers.FindDomestic(text))
            .Concat(DateEntities.Find(text, today))
            .Concat(AmountEntities.Find(text))
            .Concat(PhoneEntities.Find(text));

        var accepted = new List<Entity>();
        foreach (var candidate in candidates)
        {
            if (!accepted.Exists(a => a.Start < candidate.Start + candidate.Length && candidate.Start < a.Start + a.Length))
            {
                accepted.Add(candidate);
            }
        }

        accepted.Sort((a, b) => a.Start.CompareTo(b.Start));
        return accepted;
    }

    internal static Entity Found(EntityKind kind, Capture match, string value) => new(kind, match.Value, value, match.Index, match.Length);

    private static IEnumerable<Entity> Emails(string text) =>
        EmailPattern().Matches(text).Select(m => Found(EntityKind.Email, m, m.Value.ToLowerInvariant()));

    // Deliberately simple (no quoted local parts, no IP literals): what customers type in a chat.
    [GeneratedRegex(@"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
