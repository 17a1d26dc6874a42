using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels.Webhooks;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// Graph API calls on comments, for Facebook Pages and Instagram accounts: public replies
/// (<c>POST {comment-id}/comments</c> on Facebook, <c>POST {comment-id}/replies</c> on Instagram), private replies
/// (<c>POST {page-or-ig-id}/messages</c> with <c>recipient.comment_id</c>), hiding (<c>POST {comment-id}</c> with
/// <c>is_hidden</c>, Instagram <c>hide</c>), deleting (<c>DELETE {comment-id}</c>) and liking (<c>POST {comment-id}/likes</c>,
/// Facebook only).
/// </summary>
public sealed class MetaPublicApi(MetaGraphClient graph) : IPublicPlatform
{
    public bool Handles(ChannelKind channel) => channel is ChannelKind.Messenger or ChannelKind.Instagram;

    public bool CanLike(ChannelKind channel) => channel == ChannelKind.Messenger;

    public bool HasPrivateReplies(ChannelKind channel) => true;

    /// <summary>Sends a public reply under a comment (or a visitor's post); the answer's <c>id</c> is the reply's comment id.</summary>
    public async Task<SendResult> ReplyAsync(ChannelKind channel, ConnectionCredentials connection, string commentId, string text, CancellationToken ct)
    {
        var path = $"{Uri.EscapeDataString(commentId)}/{(channel == ChannelKind.Instagram ? "replies" : "comments")}";
        var (answer, failure) = await graph.PostAsync(connection, path, new JsonObject { ["message"] = text }, ct);
        if (failure is not null)
        {
            return failure;
        }

        return answer is { ValueKind: JsonValueKind.Object } json && PlatformText.Of(json, "id") is { Length: > 0 } id
            ? SendResult.Sent(id)
            : SendResult.Retry("The Graph API answered the public reply without its id.");
    }

    public async Task<PlatformAnswer> ModerateAsync(ChannelKind channel, ConnectionCredentials connection, PublicAction action, string platformId, CancellationToken ct)
    {
        var id = Uri.EscapeDataString(platformId);
        var (method, path, body) = action switch
        {
            PublicAction.Hide or PublicAction.Unhide => (HttpMethod.Post, id,
                new JsonObject { [channel == ChannelKind.Instagram ? "hide" : "is_hidden"] = action == PublicAction.Hide }),
            PublicAction.Like => (HttpMethod.Post, $"{id}/likes", new JsonObject()),
            _ => (HttpMethod.Delete, id, (JsonObject?)null),
        };
        if (action == PublicAction.Like && !CanLike(channel))
        {
            return PlatformAnswer.Refused("Instagram does not let a brand like a comment through its API.");
        }

        var (_, failure) = await graph.CallAsync(method, connection, path, body, ct);
        return failure is null ? PlatformAnswer.Done : PlatformAnswer.Refused($"{PublicReplyRules.ChannelName(channel)} refused: {failure.Error}");
    }

    /// <summary>
    /// A private reply: <c>recipient.comment_id</c> for a comment, <c>recipient.post_id</c> for a visitor's post on a Page
    /// (Instagram has no visitor posts).
    /// </summary>
    public async Task<PlatformAnswer> PrivateReplyAsync(ChannelKind channel, ConnectionCredentials connection, string commentId, bool visitorPost, string text, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["recipient"] = new JsonObject { [visitorPost && channel == ChannelKind.Messenger ? "post_id" : "comment_id"] = commentId },
            ["message"] = new JsonObject { ["text"] = text, ["metadata"] = MetaMessagingConnector.MetadataPrefix + "private-reply" },
        };
        var (answer, failure) = await graph.PostAsync(connection, $"{Uri.EscapeDataString(connection.ExternalId)}/messages", body, ct);
        if (failure is not null)
        {
            return PlatformAnswer.Refused($"{PublicReplyRules.ChannelName(channel)} refused the private reply: {failure.Error}");
        }

        return answer is { ValueKind: JsonValueKind.Object } json && PlatformText.Of(json, "recipient_id") is { Length: > 0 } recipient
            ? new PlatformAnswer(null, recipient, PlatformText.Of(json, "message_id"))
            : PlatformAnswer.Refused("The Graph API answered the private reply without the customer's recipient_id.");
    }

    /// <summary>
    /// <c>GET {post-id}</c> with the fields the console shows: a Page post's <c>message</c>, <c>permalink_url</c>,
    /// <c>full_picture</c>, <c>created_time</c> and <c>from</c>; an Instagram media's <c>caption</c>, <c>permalink</c>,
    /// <c>media_url</c> (or a video's <c>thumbnail_url</c>), <c>timestamp</c> and <c>username</c>.
    /// </summary>
    public async Task<PublicPost?> PostAsync(ChannelKind channel, ConnectionCredentials connection, string postId, CancellationToken ct)
    {
        var instagram = channel == ChannelKind.Instagram;
        var fields = instagram ? "caption,permalink,media_url,thumbnail_url,timestamp,username" : "message,permalink_url,full_picture,created_time,from";
        var (answer, _) = await graph.GetAsync(connection, $"{Uri.EscapeDataString(postId)}?fields={fields}", ct);
        if (answer is not { ValueKind: JsonValueKind.Object } post)
        {
            return null;
        }

        if (instagram)
        {
            return new PublicPost(postId, ByBrand: true, connection.ExternalId, PlatformText.Of(post, "username"), PlatformText.Of(post, "caption"),
                PublicFields.WebUrl(PlatformText.Of(post, "permalink")),
                PublicFields.WebUrl(PlatformText.Of(post, "thumbnail_url") ?? PlatformText.Of(post, "media_url")), PublicFields.Time(post, "timestamp"));
        }

        var from = PublicFields.Child(post, "from");
        var authorId = from is { } f ? PublicFields.Id(f, "id") : null;
        return new PublicPost(postId, ByBrand: authorId is null || authorId == connection.ExternalId, authorId, from is { } a ? PlatformText.Of(a, "name") : null,
            PlatformText.Of(post, "message"), PublicFields.WebUrl(PlatformText.Of(post, "permalink_url")), PublicFields.WebUrl(PlatformText.Of(post, "full_picture")),
            PublicFields.Time(post, "created_time"));
    }
}
