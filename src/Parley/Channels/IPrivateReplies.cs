using Parley.Conversations;

namespace Parley.Channels;

public enum PrivateReplyOutcome
{
    Sent,

    /// <summary>The network has no private replies to comments (X): the public answer invites the customer to write in private.</summary>
    Unsupported,
    Failed,
}

/// <summary>What came of a private reply: sent (with the platform's message id), or why not.</summary>
public sealed record PrivateReplyResult(PrivateReplyOutcome Outcome, string? MessageId = null, string? Problem = null)
{
    public static PrivateReplyResult Sent(string? messageId) => new(PrivateReplyOutcome.Sent, messageId);

    public static PrivateReplyResult Failed(string problem) => new(PrivateReplyOutcome.Failed, Problem: problem);

    public static readonly PrivateReplyResult Unsupported = new(PrivateReplyOutcome.Unsupported, Problem: "This network has no private replies to comments.");
}

/// <summary>
/// A private message in answer to a customer's public comment (Facebook and Instagram private replies: once per comment,
/// within 7 days); the customer's answer opens a private conversation. The public bot sends through it.
/// </summary>
public interface IPrivateReplies
{
    Task<PrivateReplyResult> SendAsync(Conversation publicThread, string commentId, string text, CancellationToken ct);
}
