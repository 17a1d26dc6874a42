using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Channels.WhatsApp;

namespace Parley.Bots.Flows;

/// <summary>
/// What a channel shows of a bot message, as the editor explains it and validation warns about: longer texts are cut,
/// more options than the channel's buttons or list take are sent as numbered lines the customer answers by number.
/// </summary>
public sealed record ChannelLimits(
    ChannelKind Channel, int MaxText, int MaxQuickReplies, int MaxQuickReplyTitle, int MaxListRows, int MaxListTitle, bool Images, CardLimits Cards)
{
    public static readonly IReadOnlyList<ChannelLimits> All =
    [
        new(ChannelKind.WebMessaging, 4000, 20, 80, 50, 80, true, new CardLimits(
            "a row of cards scrolled sideways, each with its image, title, subtitle and buttons", 10, 80, 160, 3, 40, 30)),
        new(ChannelKind.Messenger, MetaSendRules.MaxText, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, true,
            MetaCards),
        new(ChannelKind.Instagram, 1000, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, true,
            MetaCards),
        new(ChannelKind.WhatsApp, WhatsAppRendering.MaxText, WhatsAppRendering.MaxButtons, WhatsAppRendering.MaxButtonTitle, WhatsAppRendering.MaxRows, WhatsAppRendering.MaxRowTitle, true,
            new CardLimits(
                "one card: reply buttons under its image; several: a list with a section per card (no images, links in the text); else numbered text",
                WhatsAppRendering.MaxRows, WhatsAppRendering.MaxRowTitle, WhatsAppRendering.MaxButtonBody, WhatsAppRendering.MaxButtons, WhatsAppRendering.MaxButtonTitle,
                WhatsAppRendering.MaxRows)),

        // X's direct messages: quick reply options (up to 20, labels up to 36), text up to 10,000 characters, no list.
        new(ChannelKind.X, 10_000, 20, 36, 0, 0, true, new CardLimits(
            "text: each card's title, subtitle and links, its choices numbered (no images)", 0, 0, 0, 0, 0, 0)),
    ];

    private static CardLimits MetaCards => new(
        "a generic template (a carousel of up to 10 cards)",
        MetaSendRules.MaxCards, MetaSendRules.MaxCardTitle, MetaSendRules.MaxCardSubtitle, MetaSendRules.MaxCardButtons, MetaSendRules.MaxCardButtonTitle,
        MetaSendRules.MaxCards * MetaSendRules.MaxCardButtons);

    public static ChannelLimits For(ChannelKind channel) => All.First(l => l.Channel == channel);
}

/// <summary>
/// How a channel shows cards (<see cref="Rendering"/>) and what it takes of them; a channel without cards (0 cards) sends
/// them as text. Past a limit, text is cut, and cards or buttons beyond it are sent as numbered text.
/// </summary>
/// <param name="MaxChoices">Choice buttons in all the cards of one message.</param>
public sealed record CardLimits(string Rendering, int MaxCards, int MaxTitle, int MaxSubtitle, int MaxButtons, int MaxButtonTitle, int MaxChoices)
{
    public bool Native => MaxCards > 0;
}
