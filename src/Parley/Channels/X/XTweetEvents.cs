using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>A tweet of <c>tweet_create_events</c> as Parley reads it.</summary>
/// <param name="ParentId">The tweet it replies to (<c>in_reply_to_status_id_str</c>).</param>
public sealed record XTweet(string Id, string UserId, string? Name, string? ScreenName, string Text, string? ParentId, string? ParentScreenName,
    string? MediaUrl, DateTime? At, bool ByAccount, string? Avatar, long? Followers = null);

/// <summary>
/// <c>tweet_create_events</c>: tweets that mention the account or reply to it become public conversations, one per
/// customer and thread. The thread is the conversation's root tweet, as far as the payload and what Parley stored tell:
/// a tweet that replies to nothing is its own root (a visitor's post); a reply's root is the post of the thread its
/// parent tweet is stored in, else the parent tweet itself (the v1.1 payload names the parent only, not X's
/// conversation_id, and Parley does not call X to climb further). Retweets and the account's own replies are ignored;
/// the account's own other tweets are recorded as its posts, so the threads under them show them.
/// </summary>
public sealed class XTweetEvents(PublicThreads threads, PublicEventSink sink, ILogger<XTweetEvents> logger) : IXAccountEvents
{
    public string Property => "tweet_create_events";

    public IEnumerable<string> Read(JsonElement events, ConnectionCredentials connection) =>
        Tweets(events, connection.ExternalId).Select(t => $"{connection.ExternalId}/{t.UserId}").ToList();

    public async Task HandleAsync(JsonElement events, XWebhookContext context, CancellationToken ct)
    {
        foreach (var tweet in Tweets(events, context.Connection.ExternalId))
        {
            var permalink = $"https://x.com/{tweet.ScreenName ?? "i"}/status/{tweet.Id}";
            if (tweet.ByAccount)
            {
                await threads.PostAsync(context.Inbox, new PublicPost(tweet.Id, true, tweet.UserId, tweet.Name, tweet.Text, permalink, tweet.MediaUrl, tweet.At), ct);
                continue;
            }

            var profile = context.Profile(tweet.UserId) ?? new ContactProfile(tweet.Name ?? tweet.ScreenName, null, null, tweet.Avatar);
            PublicPost post;
            string? parent = null;
            if (tweet.ParentId is not { } parentId)
            {
                post = new PublicPost(tweet.Id, false, tweet.UserId, tweet.Name, tweet.Text, permalink, tweet.MediaUrl, tweet.At);
            }
            else if (await threads.RootOfAsync(context.Inbox, parentId, ct) is { } root)
            {
                post = new PublicPost(root, false);
                parent = root == parentId ? null : parentId;
            }
            else
            {
                post = new PublicPost(parentId, false, Permalink: $"https://x.com/{tweet.ParentScreenName ?? "i"}/status/{parentId}");
            }

            await sink.HandleAsync(context.Inbox, new PublicEvent(PublicChange.Added, tweet.Id, post, tweet.UserId, tweet.Text, parent, profile,
                tweet.MediaUrl is null ? null : [new ChannelMedia(MediaKind.Image, tweet.MediaUrl)], new PublicAuthor(tweet.ScreenName, tweet.Followers)), ct);
        }
    }

    /// <summary>The tweets to store: mentions of and replies to the account, and the account's own posts.</summary>
    /// <exception cref="XPayloadException">Not an array of tweets with their ids.</exception>
    private List<XTweet> Tweets(JsonElement events, string account)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            throw new XPayloadException($"{Property} is an array.");
        }

        var tweets = new List<XTweet>();
        foreach (var e in events.EnumerateArray())
        {
            var tweet = Parse(e);
            var mentions = e.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Object
                && entities.TryGetProperty("user_mentions", out var list) && list.ValueKind == JsonValueKind.Array
                && list.EnumerateArray().Any(m => PublicFields.Id(m, "id_str") == account);
            var retweet = e.TryGetProperty("retweeted_status", out var retweeted) && retweeted.ValueKind == JsonValueKind.Object;
            var toAccount = PublicFields.Id(e, "in_reply_to_user_id_str") == account;
            if (retweet || (tweet.UserId == account ? tweet.ParentId is not null : !mentions && !toAccount))
            {
                logger.LogDebug("Tweet {Id} is neither a mention of nor a reply to the account; ignored", tweet.Id);
                continue;
            }

            tweets.Add(tweet with { ByAccount = tweet.UserId == account });
        }

        return tweets;
    }

    private static XTweet Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new XPayloadException("A tweet is an object.");
        }

        var id = PublicFields.Id(e, "id_str") ?? throw new XPayloadException("A tweet has an id_str.");
        var user = PublicFields.Child(e, "user") ?? throw new XPayloadException($"Tweet {id} has a user.");
        var userId = PublicFields.Id(user, "id_str") ?? throw new XPayloadException($"Tweet {id}'s user has an id_str.");
        var extended = PublicFields.Child(e, "extended_tweet");
        var text = (extended is { } x ? PlatformText.Of(x, "full_text") : null) ?? PlatformText.Of(e, "full_text") ?? PlatformText.Of(e, "text") ?? string.Empty;
        return new XTweet(id, userId, PlatformText.Of(user, "name"), ScreenName(PlatformText.Of(user, "screen_name")), text,
            PublicFields.Id(e, "in_reply_to_status_id_str"), ScreenName(PlatformText.Of(e, "in_reply_to_screen_name")),
            Media(extended) ?? Media(e), PublicFields.Time(e, "timestamp_ms", milliseconds: true), false,
            PublicFields.WebUrl(PlatformText.Of(user, "profile_image_url_https")),
            user.TryGetProperty("followers_count", out var followers) && followers.ValueKind == JsonValueKind.Number && followers.TryGetInt64(out var count) && count >= 0 ? count : null);
    }

    /// <summary>The first photo of a tweet's (extended) entities.</summary>
    private static string? Media(JsonElement? tweet)
    {
        foreach (var property in new[] { "extended_entities", "entities" })
        {
            if (tweet is { } t && PublicFields.Child(t, property) is { } entities && entities.TryGetProperty("media", out var media)
                && media.ValueKind == JsonValueKind.Array)
            {
                return media.EnumerateArray().Select(m => PublicFields.WebUrl(PlatformText.Of(m, "media_url_https"))).FirstOrDefault(u => u is not null);
            }
        }

        return null;
    }

    /// <summary>Screen names go into links: letters, digits and underscores only.</summary>
    private static string? ScreenName(string? name) => name is { Length: > 0 and <= 50 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : null;
}

/// <summary><c>tweet_delete_events</c>: a customer deleted a tweet Parley stored, which is marked deleted.</summary>
public sealed class XTweetDeleteEvents(PublicEventSink sink) : IXAccountEvents
{
    public string Property => "tweet_delete_events";

    public IEnumerable<string> Read(JsonElement events, ConnectionCredentials connection) =>
        Deleted(events, connection.ExternalId).Select(d => $"{connection.ExternalId}/{d.UserId}").ToList();

    public async Task HandleAsync(JsonElement events, XWebhookContext context, CancellationToken ct)
    {
        foreach (var (id, _) in Deleted(events, context.Connection.ExternalId))
        {
            await sink.HandleAsync(context.Inbox, new PublicEvent(PublicChange.Removed, id, new PublicPost(id, false)), ct);
        }
    }

    private List<(string Id, string UserId)> Deleted(JsonElement events, string account)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            throw new XPayloadException($"{Property} is an array.");
        }

        var deleted = new List<(string, string)>();
        foreach (var e in events.EnumerateArray())
        {
            var status = PublicFields.Child(e, "status") ?? throw new XPayloadException("A tweet deletion has a status.");
            var id = PublicFields.Id(status, "id") ?? throw new XPayloadException("A tweet deletion has status.id.");
            var user = PublicFields.Id(status, "user_id") ?? throw new XPayloadException("A tweet deletion has status.user_id.");
            if (user != account)
            {
                deleted.Add((id, user));
            }
        }

        return deleted;
    }
}
