using Parley.Conversations;

namespace Parley.Channels.WebMessaging;

/// <summary>The website widget: it reads its messages from Parley, so there is nothing to push.</summary>
public sealed class WebMessagingConnector : IChannelConnector
{
    public ChannelKind Kind => ChannelKind.WebMessaging;

    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: true, ListPicker: true, Attachments: true, TypingIndicators: true, ReadReceipts: true,
        PullDelivery: true, ReplyWindow: null, WaitHint: "You can close this window: the reply will be here.",
        OneConversationPerContact: true);

    public Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(SendResult.Sent());
}
