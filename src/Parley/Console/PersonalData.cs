using System.Numerics;
using System.Text.RegularExpressions;
using Parley.Bots.Understanding;

namespace Parley.Console;

/// <summary>
/// What looks like personal data in a reply about to go public: an email address, a phone number, a parcel or order
/// number (the bot's <see cref="EntityExtractor"/>), an IBAN (with a valid check) or a long account number. A warning
/// only: the advisor decides; false alarms cost a click, a miss costs a customer's privacy.
/// </summary>
public static partial class PersonalData
{
    /// <summary>What was found, named for the advisor ("an email address"), each kind once, in the order of the text.</summary>
    public static IReadOnlyList<string> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<(int At, int Length, string What)>();
        foreach (var entity in EntityExtractor.Extract(text))
        {
            var what = entity.Kind switch
            {
                EntityKind.Email => "an email address",
                EntityKind.Phone => "a phone number",
                EntityKind.ParcelNumber => "a parcel number",
                EntityKind.OrderNumber => "an order number",
                _ => null,
            };
            if (what is not null)
            {
                found.Add((entity.Start, entity.Length, what));
            }
        }

        foreach (Match iban in IbanPattern().Matches(text))
        {
            if (IsIban(iban.Value))
            {
                found.Add((iban.Index, iban.Length, "an IBAN"));
            }
        }

        foreach (Match account in AccountPattern().Matches(text))
        {
            if (!found.Exists(f => f.At < account.Index + account.Length && account.Index < f.At + f.Length))
            {
                found.Add((account.Index, account.Length, "an account number"));
            }
        }

        return found.OrderBy(f => f.At).Select(f => f.What).Distinct().ToList();
    }

    /// <summary>ISO 13616: the country and check digits moved to the end, letters as numbers, the whole modulo 97 is 1.</summary>
    public static bool IsIban(string candidate)
    {
        var compact = string.Concat(candidate.Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();
        if (compact.Length is < 15 or > 34)
        {
            return false;
        }

        var digits = string.Concat((compact[4..] + compact[..4]).Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) % 97 == 1;
    }

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    /// <summary>Ten or more digits in a row (spaces and dashes allowed between groups) that nothing else explained.</summary>
    [GeneratedRegex(@"(?<![\w])\d(?:[ -]?\d){9,}(?![\w])", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();
}

/// <summary>Where the composer of a public conversation is before a reply goes.</summary>
public enum PublicReplyStep
{
    None,

    /// <summary>The first public reply in the conversation waits for the advisor's confirmation.</summary>
    Confirm,

    /// <summary>The reply looks like it contains personal data: send anyway, reply in private, or edit.</summary>
    PersonalData,
}
