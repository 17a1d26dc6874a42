using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Channels.WhatsApp;

namespace Parley.Bots.Flows;

/// <summary>
/// What a channel shows of a bot message, as the editor explains it and validation warns about: longer texts are cut,
/// more options than the channel's buttons or list take are sent as numbered lines the customer answers by number.
/// </summary>
public sealed record ChannelLimits(ChannelKind Channel, int MaxText, int MaxQuickReplies, int MaxQuickReplyTitle, int MaxListRows, int MaxListTitle, bool Images)
{
    public static readonly IReadOnlyList<ChannelLimits> All =
    [
        new(ChannelKind.WebMessaging, 4000, 20, 80, 50, 80, true),
        new(ChannelKind.Messenger, MetaSendRules.MaxText, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, true),
        new(ChannelKind.Instagram, 1000, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, MetaSendRules.MaxQuickReplies, MetaSendRules.MaxQuickReplyTitle, true),
        new(ChannelKind.WhatsApp, WhatsAppRendering.MaxText, WhatsAppRendering.MaxButtons, WhatsAppRendering.MaxButtonTitle, WhatsAppRendering.MaxRows, WhatsAppRendering.MaxRowTitle, true),

        // X's direct messages: quick reply options (up to 20, labels up to 36), text up to 10,000 characters, no list.
        new(ChannelKind.X, 10_000, 20, 36, 0, 0, true),
    ];

    public static ChannelLimits For(ChannelKind channel) => All.First(l => l.Channel == channel);
}
