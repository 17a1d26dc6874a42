using Parley.Conversations;

namespace Parley.Channels;

/// <summary>What a channel can carry; the engine and the console adapt to it (for example no list picker on X).</summary>
/// <param name="WaitHint">What the bot adds when the customer must wait for an advisor, in the channel's terms (null: nothing).</param>
/// <param name="OneConversationPerContact">The channel's default for <see cref="InboxSettings.OneConversationPerContact"/>.</param>
/// <param name="SendRatePerSecond">The platform's documented send rate per connection, the default of <see cref="Connection.RatePerSecond"/>.</param>
public sealed record ChannelCapabilities(
    bool QuickReplies,
    bool ListPicker,
    bool Attachments,
    bool TypingIndicators,
    bool ReadReceipts,
    bool PullDelivery,
    TimeSpan? ReplyWindow,
    string? WaitHint = null,
    bool OneConversationPerContact = false,
    double SendRatePerSecond = 100);

public enum SendOutcome
{
    /// <summary>The platform accepted the message.</summary>
    Sent,

    /// <summary>Not now (throttled, unavailable, a network error): try again later, at <see cref="SendResult.RetryAfter"/> if given.</summary>
    RetryLater,

    /// <summary>It will never go (a user who cannot be reached, outside the platform's window): shown to the advisor.</summary>
    Failed,
}

/// <param name="ProviderMessageId">The platform's id for the sent message; receipts find the message by it.</param>
/// <param name="Error">For the advisor and the logs: the platform's reason, in its words.</param>
/// <param name="RetryAfter">How long the platform asked to wait (Retry-After, a rate limit's reset).</param>
/// <param name="ConnectionPaused">True when the whole connection is throttled, not only this conversation.</param>
public sealed record SendResult(
    SendOutcome Outcome, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null, bool ConnectionPaused = false)
{
    public static SendResult Sent(string? providerMessageId = null) => new(SendOutcome.Sent, providerMessageId);

    public static SendResult Retry(string error, TimeSpan? after = null, bool connectionPaused = false) => new(SendOutcome.RetryLater, null, error, after, connectionPaused);

    public static SendResult Fail(string error) => new(SendOutcome.Failed, null, error);
}

/// <summary>An outbound message with what a connector needs to send it.</summary>
/// <param name="RecipientId">The contact's id on the channel (PSID, IGSID, wa_id, X user id).</param>
/// <param name="LastCustomerMessageAt">Opens the platforms' messaging windows.</param>
/// <param name="IsPublic">
/// The message belongs to a public conversation: it goes as a public reply to the comment it names
/// (<see cref="Message.ParentChannelMessageId"/>), never as a private message.
/// </param>
public sealed record OutboundMessage(
    Message Message,
    Inbox Inbox,
    ConnectionCredentials? Connection,
    string RecipientId,
    DateTime? LastCustomerMessageAt,
    MessagePayload? Payload,
    bool IsPublic = false)
{
    public AuthorKind Author => Message.AuthorKind;

    /// <summary>
    /// An advisor's message carries the advisor's name: on a social channel the customer sees only the brand's account,
    /// and knows who answered from the signature.
    /// </summary>
    public static string WithSignature(string text, AuthorKind author, string? authorName) =>
        author == AuthorKind.Advisor && !string.IsNullOrWhiteSpace(authorName) ? $"{text}\n\n— {authorName.Trim()}" : text;
}

/// <summary>
/// A channel's adapter. Inbound: the channel's webhook or API calls the engine (<see cref="ConversationEngine"/>).
/// Outbound: the dispatcher calls <see cref="SendAsync"/> for each pending message, in order per conversation, with retries.
/// A pull channel (web messaging) has nothing to push: its messages are ready as soon as they are stored.
/// </summary>
public interface IChannelConnector
{
    ChannelKind Kind { get; }

    ChannelCapabilities Capabilities { get; }

    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>Tells the customer's app what the advisor is doing (typing, has seen the messages), where the platform shows it.</summary>
    Task SignalAsync(CustomerSignal signal, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>How a message with these options shows on the channel, and what had to give way to the platform's limits.</summary>
    OptionsPreview PreviewOptions(string text, IReadOnlyList<MessageOption> options) => new("List picker", []);
}

/// <summary>A connector that can send several messages of one conversation in one call, in order.</summary>
public interface IChainedSends
{
    /// <summary>How many of a conversation's messages may go in one call (1: each alone).</summary>
    int ChainLimit { get; }

    /// <summary>
    /// Sends the messages in order, one after the other on the platform's side. The results come in the same order: null for
    /// a message the platform did not run (after one that did not go), to be sent again without counting an attempt.
    /// </summary>
    Task<IReadOnlyList<SendResult?>> SendChainAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken);
}

public enum SignalKind
{
    Typing,
    Seen,
}

/// <param name="LastCustomerMessageId">The platform's id of the customer's latest message (WhatsApp marks that one read).</param>
public sealed record CustomerSignal(
    SignalKind Kind, ConnectionCredentials Connection, string RecipientId, string? LastCustomerMessageId, DateTime? LastCustomerMessageAt);

/// <param name="Layout">What the customer sees: quick replies, an interactive list, a numbered list...</param>
/// <param name="Warnings">The limits that changed it, said before anything is sent.</param>
public sealed record OptionsPreview(string Layout, IReadOnlyList<string> Warnings);

/// <summary>The registered connectors by channel; a later registration of a channel replaces an earlier one.</summary>
public sealed class ChannelConnectors(IEnumerable<IChannelConnector> connectors)
{
    private readonly Dictionary<ChannelKind, IChannelConnector> _byKind = connectors.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Last());

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
