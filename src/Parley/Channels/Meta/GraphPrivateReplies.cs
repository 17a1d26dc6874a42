using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Channels.Meta;

/// <summary>
/// Private replies through the Graph API: <c>POST {GraphApiUrl}/{page-or-ig-id}/messages</c> with
/// <c>recipient.comment_id</c>, for Messenger (Page comments) and Instagram (comments on the account's media).
/// </summary>
public sealed class GraphPrivateReplies(ConnectionDirectory connections, MetaGraphClient graph, ILogger<GraphPrivateReplies> logger) : IPrivateReplies
{
    public async Task<PrivateReplyResult> SendAsync(Conversations.Conversation publicThread, string commentId, string text, CancellationToken ct)
    {
        if (publicThread.Channel is not (ChannelKind.Messenger or ChannelKind.Instagram))
        {
            return PrivateReplyResult.Unsupported;
        }

        if (await connections.FindByInboxAsync(publicThread.InboxId, ct) is not { Enabled: true } connection)
        {
            return PrivateReplyResult.Failed("The conversation's connection is missing or disabled.");
        }

        var body = new JsonObject
        {
            ["recipient"] = new JsonObject { ["comment_id"] = commentId },
            ["message"] = new JsonObject { ["text"] = text },
        };
        var (answer, failure) = await graph.PostAsync(connection, $"{Uri.EscapeDataString(connection.ExternalId)}/messages", body, ct);
        if (failure is not null)
        {
            logger.LogWarning("The private reply to comment {CommentId} of conversation {ConversationId} failed: {Problem}", commentId, publicThread.Id, failure.Error);
            return PrivateReplyResult.Failed(failure.Error ?? "The network refused the private reply.");
        }

        return PrivateReplyResult.Sent(answer is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null);
    }
}
