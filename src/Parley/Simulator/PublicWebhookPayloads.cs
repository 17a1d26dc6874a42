using System.Globalization;
using System.Text.Json.Nodes;
using Parley.Channels;

namespace Parley.Simulator;

/// <summary>What a customer did in public, in the terms the webhooks carry.</summary>
public enum PublicVerb
{
    Add,
    Edited,
    Remove,
}

/// <summary>
/// Webhook bodies for public conversations, in each platform's documented format: a Facebook Page's <c>feed</c> changes
/// (object page), Instagram's <c>comments</c> and <c>mentions</c> changes (object instagram), and the Account Activity
/// API's <c>tweet_create_events</c> and <c>tweet_delete_events</c> for X.
/// </summary>
public static class PublicWebhookPayloads
{
    public const string BrandHandle = "laposta";

    /// <summary>Facebook: a comment on a Page post, or a reply in a comment's thread (parent_id: the post or the thread).</summary>
    public static JsonObject FeedComment(string pageId, SimComment comment, PublicVerb verb, DateTimeOffset at)
    {
        var post = comment.Post;
        var value = new JsonObject
        {
            ["from"] = new JsonObject { ["id"] = comment.AuthorId, ["name"] = comment.AuthorName },
            ["post"] = new JsonObject
            {
                ["status_type"] = post.MediaUrl is null ? "mobile_status_update" : "added_photos",
                ["is_published"] = true,
                ["updated_time"] = post.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss+0000", CultureInfo.InvariantCulture),
                ["permalink_url"] = post.Permalink,
                ["promotion_status"] = "inactive",
                ["id"] = post.Id,
            },
        };
        if (verb != PublicVerb.Remove)
        {
            value["message"] = comment.Text;
        }

        value["post_id"] = post.Id;
        value["comment_id"] = comment.Id;
        value["created_time"] = Seconds(comment.At);
        value["item"] = "comment";
        value["parent_id"] = comment.Thread ?? post.Id;
        value["verb"] = Verb(verb);
        return Meta("page", pageId, at, "feed", value);
    }

    /// <summary>Facebook: a visitor post on the Page (item status).</summary>
    public static JsonObject FeedVisitorPost(string pageId, SimPost post, PublicVerb verb, DateTimeOffset at)
    {
        var value = new JsonObject { ["from"] = new JsonObject { ["id"] = post.AuthorId, ["name"] = post.AuthorName } };
        if (verb != PublicVerb.Remove)
        {
            value["message"] = post.Text;
        }

        value["post_id"] = post.Id;
        value["created_time"] = Seconds(post.At);
        value["item"] = "status";
        value["published"] = 1;
        value["verb"] = Verb(verb);
        return Meta("page", pageId, at, "feed", value);
    }

    /// <summary>Instagram: a comment on the account's media, or a reply to one of its comments (parent_id).</summary>
    public static JsonObject InstagramComment(string accountId, SimComment comment, DateTimeOffset at)
    {
        var value = new JsonObject
        {
            ["from"] = new JsonObject { ["id"] = comment.AuthorId, ["username"] = WebhookPayloads.ScreenName(comment.AuthorName) },
            ["media"] = new JsonObject { ["id"] = comment.Post.Id, ["media_product_type"] = "FEED" },
            ["id"] = comment.Id,
        };
        if (comment.Thread is not null)
        {
            value["parent_id"] = comment.Thread;
        }

        value["text"] = comment.Text;
        return Meta("instagram", accountId, at, "comments", value);
    }

    /// <summary>Instagram: the account was @mentioned in a media's caption (or, with a comment id, in a comment).</summary>
    public static JsonObject InstagramMention(string accountId, string mediaId, string? commentId, DateTimeOffset at)
    {
        var value = new JsonObject { ["media_id"] = mediaId };
        if (commentId is not null)
        {
            value["comment_id"] = commentId;
        }

        return Meta("instagram", accountId, at, "mentions", value);
    }

    /// <summary>X: a tweet mentioning the brand, or replying to one of its conversation's tweets.</summary>
    public static JsonObject TweetCreate(string brandId, string tweetId, string text, SimCustomer author, (string Id, string UserId, string Handle)? inReplyTo, DateTimeOffset at)
    {
        var tweet = new JsonObject
        {
            ["created_at"] = at.UtcDateTime.ToString("ddd MMM dd HH:mm:ss '+0000' yyyy", CultureInfo.InvariantCulture),
            ["id"] = Number(tweetId),
            ["id_str"] = tweetId,
            ["text"] = text,
            ["source"] = "<a href=\"https://x.com\" rel=\"nofollow\">X Web App</a>",
            ["truncated"] = false,
            ["in_reply_to_status_id"] = inReplyTo is { } r1 ? Number(r1.Id) : null,
            ["in_reply_to_status_id_str"] = inReplyTo?.Id,
            ["in_reply_to_user_id"] = inReplyTo is { } r2 ? Number(r2.UserId) : null,
            ["in_reply_to_user_id_str"] = inReplyTo?.UserId,
            ["in_reply_to_screen_name"] = inReplyTo?.Handle,
            ["user"] = XUser(author.PlatformId, author.Name, WebhookPayloads.ScreenName(author.Name)),
            ["is_quote_status"] = false,
            ["entities"] = new JsonObject
            {
                ["hashtags"] = new JsonArray(),
                ["urls"] = new JsonArray(),
                ["user_mentions"] = Mentions(brandId, text),
                ["symbols"] = new JsonArray(),
            },
            ["lang"] = "en",
            ["timestamp_ms"] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        return new JsonObject { ["for_user_id"] = brandId, ["tweet_create_events"] = new JsonArray(tweet) };
    }

    /// <summary>X: the customer deleted one of their tweets.</summary>
    public static JsonObject TweetDelete(string brandId, string tweetId, string userId, DateTimeOffset at) => new()
    {
        ["for_user_id"] = brandId,
        ["tweet_delete_events"] = new JsonArray(new JsonObject
        {
            ["status"] = new JsonObject { ["id"] = tweetId, ["user_id"] = userId },
            ["timestamp_ms"] = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }),
    };

    /// <summary>Each @laposta in the text, with its indices (in UTF-16 units, as the simulator's texts are short and plain).</summary>
    private static JsonArray Mentions(string brandId, string text)
    {
        var mentions = new JsonArray();
        var handle = "@" + BrandHandle;
        for (var at = text.IndexOf(handle, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(handle, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + handle.Length;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                continue;
            }

            var mention = XUser(brandId, SimulatedPosts.BrandName, BrandHandle);
            mention["indices"] = new JsonArray(at, end);
            mentions.Add(mention);
        }

        return mentions;
    }

    private static JsonObject XUser(string id, string name, string handle) => new()
    {
        ["id"] = Number(id),
        ["id_str"] = id,
        ["name"] = name,
        ["screen_name"] = handle,
    };

    private static JsonObject Meta(string objectName, string id, DateTimeOffset at, string field, JsonObject value) => new()
    {
        ["object"] = objectName,
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = id,
            ["time"] = Seconds(at),
            ["changes"] = new JsonArray(new JsonObject { ["field"] = field, ["value"] = value }),
        }),
    };

    private static string Verb(PublicVerb verb) => verb switch
    {
        PublicVerb.Edited => "edited",
        PublicVerb.Remove => "remove",
        _ => "add",
    };

    /// <summary>X's numeric id (the _str twin is the one to read: ids outgrow JavaScript's numbers); a customer id past 64 bits stays a string.</summary>
    private static JsonValue Number(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(id);

    private static long Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds();

    /// <summary>Whether the network sends a webhook for a customer's public change (Instagram tells neither edits nor deletions).</summary>
    public static bool Notifies(ChannelKind network, PublicVerb verb) =>
        verb == PublicVerb.Add || network == ChannelKind.Messenger || (network == ChannelKind.X && verb == PublicVerb.Remove);
}
