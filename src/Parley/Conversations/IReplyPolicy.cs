namespace Parley.Conversations;

/// <summary>
/// Whether an advisor's message may go out now on its conversation's channel (a platform's messaging window, its
/// templates). The channels implement it; the engine asks before it stores a reply, so what cannot be delivered is refused
/// with the reason instead of failing later.
/// </summary>
public interface IReplyPolicy
{
    /// <returns>Why the message cannot be sent now, or null when it can.</returns>
    Task<string?> RefusalAsync(Conversation conversation, MessagePayload? payload, CancellationToken ct);

    /// <summary>Why an advisor's text (signed with <paramref name="advisorName"/> when sent) cannot go on the conversation's channel; null when it can.</summary>
    string? TextRefusal(Conversation conversation, string text, string? advisorName) => null;
}
