using System.Security.Cryptography;
using Parley.Channels;

namespace Parley.Simulator;

/// <summary>The four networks the simulator plays: their names in URLs, Parley's webhook paths and their ids' shapes.</summary>
public static class SimulatedNetworks
{
    public static readonly ChannelKind[] All = [ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.WhatsApp, ChannelKind.X];

    public static string Slug(ChannelKind network) => network switch
    {
        ChannelKind.Messenger => "messenger",
        ChannelKind.Instagram => "instagram",
        ChannelKind.WhatsApp => "whatsapp",
        ChannelKind.X => "x",
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "The simulator plays social networks only."),
    };

    public static ChannelKind? FromSlug(string? slug) => All.Cast<ChannelKind?>().FirstOrDefault(n => Slug(n!.Value) == slug);

    /// <summary>Parley's endpoint for the network's webhooks.</summary>
    public static string WebhookPath(ChannelKind network) => "/webhooks/" + Slug(network);

    public static string Label(ChannelKind network) => network switch
    {
        ChannelKind.Messenger => "Messenger",
        ChannelKind.Instagram => "Instagram",
        ChannelKind.WhatsApp => "WhatsApp",
        _ => "X",
    };

    /// <summary>What the network calls a customer's id: a page-scoped id, an Instagram-scoped id, a phone number, a user id.</summary>
    public static string IdName(ChannelKind network) => network switch
    {
        ChannelKind.Messenger => "PSID",
        ChannelKind.Instagram => "IGSID",
        ChannelKind.WhatsApp => "wa_id",
        _ => "user id",
    };

    /// <summary>A new customer id of the network's shape (an Italian mobile number for WhatsApp: La Posta is Italian).</summary>
    public static string NewCustomerId(ChannelKind network) => network switch
    {
        ChannelKind.Messenger => Digits("2", 16),
        ChannelKind.Instagram => Digits("1", 17),
        ChannelKind.WhatsApp => Digits("393", 12),
        _ => Digits("1", 19),
    };

    /// <summary>A customer id given by the page: digits only, of a plausible length.</summary>
    public static bool IsValidCustomerId(string? id) => id is { Length: >= 5 and <= 20 } && id.All(char.IsAsciiDigit);

    /// <summary>A platform message id: Messenger's m_..., WhatsApp's wamid...., X's numeric event id.</summary>
    public static string NewMessageId(ChannelKind network) => network switch
    {
        ChannelKind.Messenger or ChannelKind.Instagram => "m_" + Base64Url(48),
        ChannelKind.WhatsApp => "wamid." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
        _ => Digits("1", 19),
    };

    /// <summary>A random number of <paramref name="length"/> digits starting with <paramref name="prefix"/>, as the platforms' ids are.</summary>
    public static string Digits(string prefix, int length)
    {
        var digits = new char[length - prefix.Length];
        for (var i = 0; i < digits.Length; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return prefix + new string(digits);
    }

    private static string Base64Url(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
