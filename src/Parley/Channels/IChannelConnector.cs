using Parley.Conversations;

namespace Parley.Channels;

/// <summary>What a channel can carry; the engine and the console adapt to it (for example no list picker on X).</summary>
/// <param name="WaitHint">What the bot adds when the customer must wait for an advisor, in the channel's terms (null: nothing).</param>
/// <param name="OneConversationPerContact">The channel's default for <see cref="InboxSettings.OneConversationPerContact"/>.</param>
public sealed record ChannelCapabilities(
    bool QuickReplies,
    bool ListPicker,
    bool Attachments,
    bool TypingIndicators,
    bool ReadReceipts,
    bool PullDelivery,
    TimeSpan? ReplyWindow,
    string? WaitHint = null,
    bool OneConversationPerContact = false);

public sealed record SendResult(bool Delivered, bool Permanent = false, string? Error = null, string? ChannelMessageId = null);

/// <summary>
/// A channel's adapter. Inbound: the channel's webhook or API calls the engine's AcceptInbound.
/// Outbound: the dispatcher calls <see cref="SendAsync"/> for each pending message, with retries.
/// A pull channel (web messaging) has nothing to push: its messages are ready as soon as they are stored.
/// </summary>
public interface IChannelConnector
{
    ChannelKind Kind { get; }

    ChannelCapabilities Capabilities { get; }

    Task<SendResult> SendAsync(Inbox inbox, Message message, string recipientExternalId, CancellationToken cancellationToken);
}

public sealed class ChannelConnectors(IEnumerable<IChannelConnector> connectors)
{
    private readonly Dictionary<ChannelKind, IChannelConnector> _byKind = connectors.ToDictionary(c => c.Kind);

    public IChannelConnector? Find(ChannelKind kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>Whether a contact keeps one conversation on the inbox (reopened), or gets a new one after a resolved one.</summary>
    public bool OneConversationPerContact(Inbox inbox) =>
        InboxSettings.Parse(inbox.SettingsJson).OneConversationPerContact ?? Find(inbox.Channel)?.Capabilities.OneConversationPerContact ?? true;

    /// <summary>
    /// Which of a contact's conversations on an inbox a new message belongs to: the open one; else, where the contact
    /// keeps one conversation, the latest (to be reopened); else none (a new one is opened).
    /// </summary>
    public static long? Current(IEnumerable<(long Id, ConversationStatus Status)> conversations, bool oneConversationPerContact)
    {
        (long Id, ConversationStatus Status)? latest = null;
        foreach (var c in conversations)
        {
            if (c.Status != ConversationStatus.Resolved)
            {
                return c.Id;
            }

            latest = latest is null || c.Id > latest.Value.Id ? c : latest;
        }

        return oneConversationPerContact ? latest?.Id : null;
    }

    /// <summary>The status an outbound message starts with: ready at once on a pull channel, else pending the dispatcher.</summary>
    public DeliveryStatus InitialStatus(ChannelKind kind) =>
        Find(kind)?.Capabilities.PullDelivery == true ? DeliveryStatus.Sent : DeliveryStatus.Pending;
}
