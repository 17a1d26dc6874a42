using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// Private replies: <c>POST /{page or IG id}/messages</c> with <c>recipient: {comment_id}</c> (or, for a visitor post on
/// the Page, <c>{post_id}</c>) opens the commenter's private chat. As the platforms rule it: once per comment, within
/// 7 days of it; the answer names the customer (recipient_id) and the message.
/// </summary>
public sealed class PrivateReplies(SimulatorState state, SimulatedPosts posts, MessengerSends messenger)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public static bool Asks(JsonElement body) =>
        Member(body, "recipient") is { } recipient && (Text(recipient, "comment_id") ?? Text(recipient, "post_id")) is not null;

    public ApiAnswer Send(ConnectionCredentials connection, JsonElement body)
    {
        var network = connection.Kind;
        var recipient = Member(body, "recipient")!.Value;
        var commentId = Text(recipient, "comment_id");
        var id = commentId ?? Text(recipient, "post_id")!;
        var comment = commentId is null ? null : posts.FindComment(network, connection.ExternalId, commentId);
        var post = commentId is null && network == ChannelKind.Messenger ? posts.FindPost(network, connection.ExternalId, id) : null;
        if (comment is null && post is null)
        {
            return GraphPublicApi.UnknownObject("post", id);
        }

        var (fromBrand, authorId, authorName, at) = comment is not null
            ? (comment.FromBrand, comment.AuthorId, comment.AuthorName, comment.At)
            : (post!.FromBrand, post.AuthorId, post.AuthorName, post.At);
        if (fromBrand)
        {
            return ApiAnswer.GraphParameter("A private reply answers a customer's comment or visitor post, not the brand's own.");
        }

        if (Member(body, "message") is not { } message)
        {
            return ApiAnswer.GraphParameter("The parameter message is required.");
        }

        var now = state.Clock.GetUtcNow();
        var refusal = posts.Change(network, () =>
        {
            if ((comment is not null ? comment.PrivateReplyAt : post!.PrivateReplyAt) is not null)
            {
                return ApiAnswer.Graph(StatusCodes.Status400BadRequest, 10900, "(#10900) Activity already replied to");
            }

            if (now - at > Window)
            {
                return ApiAnswer.Graph(StatusCodes.Status400BadRequest, 10903, "(#10903) This activity can't be replied to: private replies are sent within 7 days of the comment.");
            }

            // Held while the message is checked, so two calls at once cannot both reply.
            Mark(comment, post, now);
            return null;
        });
        if (refusal is not null)
        {
            return refusal;
        }

        state.GetOrAdd(network, authorId, authorName);
        var send = new JsonObject
        {
            ["recipient"] = new JsonObject { ["id"] = authorId },
            ["messaging_type"] = "RESPONSE",
            ["message"] = JsonNode.Parse(message.GetRawText()),
        };
        var answer = messenger.Send(connection, JsonSerializer.SerializeToElement(send), privateReply: true);
        if (answer.Status != StatusCodes.Status200OK)
        {
            posts.Change(network, () => Mark(comment, post, null));
        }

        return answer;
    }

    private static bool Mark(SimComment? comment, SimPost? post, DateTimeOffset? at)
    {
        if (comment is not null)
        {
            comment.PrivateReplyAt = at;
        }
        else
        {
            post!.PrivateReplyAt = at;
        }

        return true;
    }
}
