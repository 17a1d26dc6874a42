using Parley.Conversations;

namespace Parley.Channels;

/// <summary>What an advisor does to a public message on the network.</summary>
public enum PublicAction
{
    /// <summary>Hides a customer's comment from everyone but its author and their friends (Facebook, Instagram) or under the tweet (X).</summary>
    Hide,
    Unhide,
    Like,

    /// <summary>Deletes one of the brand's own replies.</summary>
    Delete,
}

/// <summary>A platform's answer to a direct call: its refusal in its words, or what it returned.</summary>
/// <param name="RecipientId">A private reply's recipient: the customer's id for private messages (PSID, IGSID).</param>
/// <param name="MessageId">A private reply's message id.</param>
public sealed record PlatformAnswer(string? Error, string? RecipientId = null, string? MessageId = null)
{
    public static readonly PlatformAnswer Done = new((string?)null);

    public bool Ok => Error is null;

    public static PlatformAnswer Refused(string error) => new(error);
}

/// <summary>
/// A network's calls on public messages, made directly (not queued) so the advisor sees at once what the platform said:
/// moderation (<see cref="PublicAction"/>) and private replies to comments. Public replies themselves go through the
/// outbound delivery (<see cref="IChannelConnector.SendAsync"/> with <see cref="OutboundMessage.IsPublic"/>).
/// </summary>
public interface IPublicPlatform
{
    bool Handles(ChannelKind channel);

    /// <summary>Whether the network lets the brand like a comment through its API (Instagram does not).</summary>
    bool CanLike(ChannelKind channel);

    /// <summary>Whether the network sends a private message in answer to a comment (Meta's private replies); else the brand invites the customer in public.</summary>
    bool HasPrivateReplies(ChannelKind channel);

    Task<PlatformAnswer> ModerateAsync(ChannelKind channel, ConnectionCredentials connection, PublicAction action, string platformId, CancellationToken ct);

    /// <param name="visitorPost">True when <paramref name="commentId"/> is a visitor's post on the Page, not a comment.</param>
    Task<PlatformAnswer> PrivateReplyAsync(ChannelKind channel, ConnectionCredentials connection, string commentId, bool visitorPost, string text, CancellationToken ct);

    /// <summary>
    /// Reads a post a thread hangs on (text, link, picture, author, time) when its webhook named it by id only; null when the
    /// network refused or does not know it.
    /// </summary>
    Task<PublicPost?> PostAsync(ChannelKind channel, ConnectionCredentials connection, string postId, CancellationToken ct);
}
