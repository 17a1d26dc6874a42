using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// A Page's <c>feed</c> changes (the <c>changes</c> of a <c>page</c> entry): comments and replies under the Page's posts,
/// and visitors' posts on the Page, added, edited or removed. The Page's own comments are the brand's echoes, not a
/// customer's words: ignored (public replies will record them). The Page's own posts are recorded, so the threads under
/// them show the post. Reactions, likes, shares and hides are not conversations: ignored.
/// </summary>
public static class FacebookFeed
{
    public const string Field = "feed";

    private static readonly string[] PostItems = ["post", "status", "photo", "video", "share"];

    /// <returns>What to store, or null when the change is not a public message (logged by the caller).</returns>
    /// <exception cref="MetaPayloadException">A comment or post change without its ids.</exception>
    public static PublicItem? Read(string pageId, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new MetaPayloadException("A feed change's value is an object.");
        }

        var item = PlatformText.Of(value, "item");
        PublicChange? change = PlatformText.Of(value, "verb") switch
        {
            "add" => PublicChange.Added,
            "edited" => PublicChange.Edited,
            "remove" => PublicChange.Removed,
            _ => null,
        };
        if (change is not { } verb || (item != "comment" && !PostItems.Contains(item)))
        {
            return null;
        }

        var postId = PublicFields.Id(value, "post_id") ?? throw new MetaPayloadException($"A feed {item} change has a post_id.");
        var from = PublicFields.Child(value, "from");
        var authorId = from is { } f ? PublicFields.Id(f, "id") : null;
        var profile = from is { } named && PlatformText.Of(named, "name") is { Length: > 0 } name ? new ContactProfile(name, null) : null;
        var text = PlatformText.Of(value, "message");
        var photo = PublicFields.WebUrl(PlatformText.Of(value, "photo"))
            ?? (value.TryGetProperty("photos", out var photos) && photos.ValueKind == JsonValueKind.Array
                ? photos.EnumerateArray().Select(p => PublicFields.WebUrl(PlatformText.Read(p))).FirstOrDefault(u => u is not null)
                : null);
        var key = $"{pageId}/{authorId ?? "post/" + postId}";
        if (item == "comment")
        {
            var commentId = PublicFields.Id(value, "comment_id") ?? throw new MetaPayloadException("A feed comment change has a comment_id.");
            if (authorId == pageId)
            {
                return null;
            }

            var post = new PublicPost(postId, false, Permalink: PublicFields.Child(value, "post") is { } p ? PublicFields.WebUrl(PlatformText.Of(p, "permalink_url")) : null);
            var parent = PublicFields.Id(value, "parent_id") is { } parentId && parentId != postId ? parentId : null;
            return new PublicItem(key, new PublicEvent(verb, commentId, post, authorId, text, parent, profile, Media(photo)));
        }

        var permalink = PublicFields.WebUrl(PlatformText.Of(value, "permalink_url")) ?? PublicFields.WebUrl(PlatformText.Of(value, "link"));
        if (authorId == pageId)
        {
            // The Page's own post: kept for the threads under it; its removal changes no conversation.
            return verb == PublicChange.Removed ? null
                : new PublicItem(key, BrandPost: new PublicPost(postId, true, pageId, profile?.Name, text, permalink, photo, PublicFields.Time(value, "created_time")));
        }

        var visitors = new PublicPost(postId, false, authorId, profile?.Name, text, permalink, photo, PublicFields.Time(value, "created_time"));
        return new PublicItem(key, new PublicEvent(verb, postId, visitors, authorId, text, null, profile, Media(photo)));
    }

    private static List<ChannelMedia>? Media(string? photo) => photo is null ? null : [new ChannelMedia(MediaKind.Image, photo)];
}
