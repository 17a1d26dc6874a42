using System.Security.Cryptography;
using System.Text;

namespace Parley.Demo;

public sealed record Parcel(
    string Number, string Status, string Label, DateTimeOffset UpdatedAt, string Location,
    IReadOnlyList<ParcelEvent> Events, PickupPoint? PickupPoint, CustomsHold? Customs);

public sealed record ParcelEvent(DateTimeOffset At, string Label, string Location);

public sealed record PickupPoint(string Name, string Address, string OpeningHours, DateTimeOffset CollectBefore);

/// <summary>What holds a parcel at customs and what the customer must do to release it.</summary>
public sealed record CustomsHold(decimal DutiesAmount, string Currency, string Reason, string Action);

/// <summary>
/// The demo's parcel tracker, for bot flows to call: the same number always tells the same story (its times follow
/// the clock), so a demo can be rehearsed. Documented numbers show each status; any other well-formed number gets a
/// status from a stable hash of it, except <see cref="UnknownNumber"/>, which no parcel has.
/// </summary>
public static class DemoParcels
{
    public const string InTransit = "in_transit";
    public const string OutForDelivery = "out_for_delivery";
    public const string Delivered = "delivered";
    public const string AwaitingPickup = "awaiting_pickup";
    public const string HeldAtCustoms = "held_at_customs";

    /// <summary>Well-formed, but no parcel has it: the flow's "not found" branch.</summary>
    public const string UnknownNumber = "RR999999995IT";

    /// <summary>One number per status, for demos and the README.</summary>
    public static readonly IReadOnlyDictionary<string, string> Numbers = new Dictionary<string, string>
    {
        ["RR123456785IT"] = InTransit,
        ["RR223456788IT"] = OutForDelivery,
        ["RR323456785IT"] = Delivered,
        ["RR423456783IT"] = AwaitingPickup,
        ["RR523456786IT"] = HeldAtCustoms,
    };

    private static readonly string[] Statuses = [InTransit, OutForDelivery, Delivered, AwaitingPickup, HeldAtCustoms];

    private static readonly string[] Origins = ["Milano Roserio", "Roma Fiumicino", "Napoli Casoria", "Torino Pescarito", "Padova"];

    private static readonly (string Name, string Address)[] PickupPoints =
    [
        ("Post office Bologna Centro", "Piazza Minghetti 4, 40124 Bologna"),
        ("Tabaccheria Riva (pick-up point)", "Via Emilia Levante 112, 40139 Bologna"),
        ("Parcel locker Bologna Stazione", "Piazza Medaglie d'Oro 2, 40121 Bologna"),
    ];

    /// <summary>Upper case and trimmed when the number looks like a tracking number (S10 such as RR123456785IT, or 12 to 13 digits); otherwise null.</summary>
    public static string? Normalize(string number)
    {
        var n = number.Trim().ToUpperInvariant();
        var s10 = n.Length == 13 && char.IsAsciiLetterUpper(n[0]) && char.IsAsciiLetterUpper(n[1])
            && n[2..11].All(char.IsAsciiDigit)
            && char.IsAsciiLetterUpper(n[11]) && char.IsAsciiLetterUpper(n[12]);
        var digits = n.Length is 12 or 13 && n.All(char.IsAsciiDigit);
        return s10 || digits ? n : null;
    }

    /// <summary>The parcel with a normalized number, or null for the unknown one.</summary>
    public static Parcel? Find(string number, DateTimeOffset now)
    {
        if (number == UnknownNumber)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(number));
        var status = Numbers.TryGetValue(number, out var known) ? known : Statuses[hash[0] % Statuses.Length];

        // Whole hours, so that asking twice in a row gives the same times.
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        // Accepted 2.5 to 3.5 days ago: the sorting centre is reached (30 h later) before anything that happens on the last day.
        var accepted = hour.AddHours(-(60 + hash[1] % 24));
        var origin = Origins[hash[2] % Origins.Length];
        var events = new List<ParcelEvent>
        {
            new(accepted, "Accepted", origin),
            new(accepted.AddHours(9), "Left the sorting centre", origin),
            new(accepted.AddHours(30), "Arrived at the sorting centre", "Bologna sorting centre"),
        };
        var pickup = PickupPoints[hash[3] % PickupPoints.Length];
        return status switch
        {
            InTransit => Build(number, status, "In transit", events, null, null),
            OutForDelivery => Build(number, status, "Out for delivery", [.. events, new(hour.AddHours(-2), "Out for delivery", "Bologna")], null, null),
            Delivered => Build(number, status, "Delivered", [.. events, new(hour.AddHours(-20), "Out for delivery", "Bologna"), new(hour.AddHours(-17), "Delivered", "Bologna")], null, null),
            AwaitingPickup => Build(
                number, status, "Waiting at a pick-up point",
                [.. events, new(hour.AddHours(-26), "Delivery attempted: nobody was home", "Bologna"), new(hour.AddHours(-22), "Waiting at the pick-up point", pickup.Name)],
                new PickupPoint(pickup.Name, pickup.Address, "Mon-Fri 8:20-19:05, Sat 8:20-12:35", hour.AddHours(-22).AddDays(10)),
                null),
            _ => Build(
                number, status, "Held at customs",
                [new(accepted, "Accepted abroad", "Shenzhen"), new(accepted.AddHours(30), "Arrived at customs", "Milano Linate customs office"), new(hour.AddHours(-6), "Held at customs: duties to pay", "Milano Linate customs office")],
                null,
                new CustomsHold(
                    8 + hash[4] % 40 + hash[5] % 100 / 100m, "EUR", "Import VAT and duties on a parcel from outside the EU",
                    "Pay the duties online or at a post office within 20 days, quoting the tracking number; delivery resumes within 2 working days.")),
        };
    }

    private static Parcel Build(string number, string status, string label, List<ParcelEvent> events, PickupPoint? pickup, CustomsHold? customs) =>
        new(number, status, label, events[^1].At, events[^1].Location, events, pickup, customs);
}
