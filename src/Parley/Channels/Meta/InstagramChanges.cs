using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// An Instagram account's <c>comments</c> changes (comments and replies under its media; the account's own replies are
/// the brand's echoes, ignored) and <c>mentions</c> (the account @mentioned in a comment or a caption: the webhook names
/// the ids only, so the comment or media is looked up, see <see cref="InstagramMentions"/>). Instagram reports no edits
/// or deletions of comments.
/// </summary>
public static class InstagramChanges
{
    public const string Comments = "comments";
    public const string Mentions = "mentions";

    /// <returns>What to store, or null when the change is not a public message (logged by the caller).</returns>
    /// <exception cref="MetaPayloadException">A comment or mention without its ids.</exception>
    public static PublicItem? Read(string accountId, string field, JsonElement value)
    {
        if (field is not (Comments or Mentions))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new MetaPayloadException($"An Instagram {field} change's value is an object.");
        }

        if (field == Mentions)
        {
            var mediaId = PublicFields.Id(value, "media_id") ?? throw new MetaPayloadException("A mention has a media_id.");
            var mentioning = PublicFields.Id(value, "comment_id");
            return new PublicItem($"{accountId}/mention/{mentioning ?? mediaId}", MentionCommentId: mentioning, MentionMediaId: mediaId);
        }

        var commentId = PublicFields.Id(value, "id") ?? throw new MetaPayloadException("An Instagram comment has an id.");
        var media = PublicFields.Child(value, "media") is { } m ? PublicFields.Id(m, "id") : null;
        var from = PublicFields.Child(value, "from");
        var authorId = from is { } f ? PublicFields.Id(f, "id") : null;
        if (media is null)
        {
            throw new MetaPayloadException("An Instagram comment has media.id.");
        }

        if (authorId == accountId)
        {
            return null;
        }

        var username = from is { } named ? PlatformText.Of(named, "username") : null;
        var post = new PublicPost(media, true, accountId);
        return new PublicItem($"{accountId}/{authorId ?? "media/" + media}", new PublicEvent(PublicChange.Added, commentId, post, authorId,
            PlatformText.Of(value, "text"), PublicFields.Id(value, "parent_id"), username is { Length: > 0 } ? new ContactProfile(username, null) : null,
            Author: username is { Length: > 0 } ? new PublicAuthor(username, null) : null));
    }
}

/// <summary>
/// Looks up what a <c>mentions</c> webhook names by id, through the account's <c>mentioned_comment</c> and
/// <c>mentioned_media</c> fields, and stores it as a public message. The author is known by their Instagram-scoped id when
/// the Graph API gives it, else by their username (<c>@name</c>). A lookup Meta refuses for good (the comment is gone) is
/// logged and dropped; one that fails for now is retried with the webhook.
/// </summary>
public sealed class InstagramMentions(MetaGraphClient graph, PublicEventSink sink, ILogger<InstagramMentions> logger)
{
    public async Task HandleAsync(ConnectionCredentials connection, Inbox inbox, PublicItem mention, CancellationToken ct)
    {
        var account = connection.ExternalId;
        var (field, id, fields) = mention.MentionCommentId is { } commentId
            ? ("mentioned_comment", commentId, "id,text,timestamp,username,from,media{id,permalink,media_url,thumbnail_url,caption,username}")
            : ("mentioned_media", mention.MentionMediaId!, "id,caption,timestamp,username,permalink,media_url,thumbnail_url");
        var (answer, failure) = await graph.GetAsync(connection, $"{account}?fields={field}.{(field == "mentioned_comment" ? "comment_id" : "media_id")}({Uri.EscapeDataString(id)}){{{fields}}}", ct);
        if (failure is not null)
        {
            if (failure.Outcome == SendOutcome.RetryLater)
            {
                throw new InvalidOperationException($"Looking up Instagram mention {id} failed for now: {failure.Error}");
            }

            logger.LogWarning("Instagram mention {Id} could not be looked up: {Error}", id, failure.Error);
            return;
        }

        if (answer is not { } root || PublicFields.Child(root, field) is not { } found)
        {
            logger.LogWarning("Instagram's answer for mention {Id} has no {Field}; dropped", id, field);
            return;
        }

        var e = field == "mentioned_comment" ? FromComment(id, found, mention.MentionMediaId!) : FromMedia(id, found);
        if (e is not null)
        {
            await sink.HandleAsync(inbox, e, ct);
        }
    }

    private static PublicEvent? FromComment(string commentId, JsonElement comment, string mediaId)
    {
        var media = PublicFields.Child(comment, "media");
        var post = new PublicPost(media is { } m ? PublicFields.Id(m, "id") ?? mediaId : mediaId, false,
            AuthorName: media is { } a ? PlatformText.Of(a, "username") : null, Text: media is { } c ? PlatformText.Of(c, "caption") : null,
            Permalink: media is { } l ? PublicFields.WebUrl(PlatformText.Of(l, "permalink")) : null, MediaUrl: media is { } u ? Thumbnail(u) : null);
        return Author(comment) is var (authorId, name)
            ? new PublicEvent(PublicChange.Added, commentId, post, authorId, PlatformText.Of(comment, "text"), Profile: new ContactProfile(name, null),
                Author: name is null ? null : new PublicAuthor(name, null))
            : null;
    }

    private static PublicEvent? FromMedia(string mediaId, JsonElement media)
    {
        if (Author(media) is not var (authorId, name))
        {
            return null;
        }

        var caption = PlatformText.Of(media, "caption");
        var post = new PublicPost(mediaId, false, authorId, name, caption, PublicFields.WebUrl(PlatformText.Of(media, "permalink")), Thumbnail(media),
            PublicFields.Time(media, "timestamp"));
        return new PublicEvent(PublicChange.Added, mediaId, post, authorId, caption, Profile: new ContactProfile(name, null),
            Author: name is null ? null : new PublicAuthor(name, null));
    }

    private static (string Id, string? Name)? Author(JsonElement e)
    {
        var username = PlatformText.Of(e, "username");
        if (PublicFields.Child(e, "from") is { } from && PublicFields.Id(from, "id") is { } id)
        {
            return (id, PlatformText.Of(from, "username") ?? username);
        }

        return username is { Length: > 0 and <= 100 } ? ("@" + username, username) : null;
    }

    private static string? Thumbnail(JsonElement media) =>
        PublicFields.WebUrl(PlatformText.Of(media, "thumbnail_url")) ?? PublicFields.WebUrl(PlatformText.Of(media, "media_url"));
}
