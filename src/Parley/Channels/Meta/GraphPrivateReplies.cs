using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Meta;

/// <summary>
/// The public bot's private replies through the Graph API (<see cref="MetaPublicApi.PrivateReplyAsync"/>), for Messenger
/// (Page comments and visitor posts) and Instagram (comments on the account's media).
/// </summary>
public sealed class GraphPrivateReplies(
    IDbContextFactory<ParleyDb> dbs, ConnectionDirectory connections, MetaPublicApi api, ILogger<GraphPrivateReplies> logger) : IPrivateReplies
{
    public async Task<PrivateReplyResult> SendAsync(Conversation publicThread, string commentId, string text, CancellationToken ct)
    {
        if (!api.Handles(publicThread.Channel))
        {
            return PrivateReplyResult.Unsupported;
        }

        if (await connections.FindByInboxAsync(publicThread.InboxId, ct) is not { Enabled: true } connection)
        {
            return PrivateReplyResult.Failed("The conversation's connection is missing or disabled.");
        }

        var visitorPost = await PublicThreads.IsVisitorPostAsync(dbs, publicThread.PostId, commentId, ct);
        var answer = await api.PrivateReplyAsync(publicThread.Channel, connection, commentId, visitorPost, text, ct);
        if (!answer.Ok)
        {
            logger.LogWarning("The private reply to {CommentId} of conversation {ConversationId} failed: {Problem}", commentId, publicThread.Id, answer.Error);
            return PrivateReplyResult.Failed(answer.Error!);
        }

        return PrivateReplyResult.Sent(answer.MessageId);
    }
}
