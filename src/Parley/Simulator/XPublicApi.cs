using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The simulated X API v2 on public tweets (/simulator/x/2/...): the brand's tweets and replies, deleting its own tweets,
/// hiding replies in the conversations it started, liking. The Bearer token is the connection's user access token;
/// errors are X's problem documents.
/// </summary>
public static class XPublicApi
{
    public const int MaxTweet = 280;

    public static RouteGroupBuilder MapXPublicApi(this RouteGroupBuilder simulator)
    {
        var x = simulator.MapGroup("/x/2");
        x.MapPost("/tweets", CreateAsync);
        x.MapGet("/tweets/{id}", TweetAsync);
        x.MapDelete("/tweets/{id}", DeleteAsync);
        x.MapPut("/tweets/{id}/hidden", HideAsync);
        x.MapPost("/users/{userId}/likes", LikeAsync);
        x.MapDelete("/users/{userId}/likes/{tweetId}", UnlikeAsync);
        return simulator;
    }

    /// <summary>POST /2/tweets {text, reply: {in_reply_to_tweet_id}}: a reply in a conversation, or a new tweet of the brand.</summary>
    private static async Task<IResult> CreateAsync(HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        if (call.Refusal is not null)
        {
            return Reply(state, request, ChannelKind.X, call.Raw, call.Refusal);
        }

        var brandId = call.Connection!.ExternalId;
        var text = call.Json is { } body ? Text(body, "text") : null;
        var replyTo = call.Json is { } b && Member(b, "reply") is { } reply ? Text(reply, "in_reply_to_tweet_id") ?? string.Empty : null;
        if (text is not { Length: > 0 and <= MaxTweet })
        {
            return Reply(state, request, ChannelKind.X, call.Raw, ApiAnswer.XInvalidRequest($"text has 1 to {MaxTweet} characters (the simulator takes no media)."));
        }

        string id;
        if (replyTo is null)
        {
            id = posts.AddPost(ChannelKind.X, brandId, true, brandId, SimulatedPosts.BrandName, text).Id;
        }
        else
        {
            var comment = posts.FindComment(ChannelKind.X, brandId, replyTo);
            if ((comment?.Post ?? posts.FindPost(ChannelKind.X, brandId, replyTo)) is not { } post)
            {
                return Reply(state, request, ChannelKind.X, call.Raw, ApiAnswer.XProblem(StatusCodes.Status403Forbidden, "Forbidden",
                    "You attempted to reply to a Tweet that is deleted or not visible to you."));
            }

            id = posts.AddComment(post, comment, true, brandId, SimulatedPosts.BrandName, text).Id;
        }

        return Reply(state, request, ChannelKind.X, call.Raw, new ApiAnswer(StatusCodes.Status201Created, new JsonObject
        {
            ["data"] = new JsonObject { ["id"] = id, ["text"] = text, ["edit_history_tweet_ids"] = new JsonArray(id) },
        }));
    }

    /// <summary>GET /2/tweets/{id}: a tweet with its author in <c>includes.users</c> (<c>expansions=author_id</c>), as X answers it.</summary>
    private static async Task<IResult> TweetAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        if (call.Refusal is not null)
        {
            return Reply(state, request, ChannelKind.X, call.Raw, call.Refusal);
        }

        var brandId = call.Connection!.ExternalId;
        var comment = posts.FindComment(ChannelKind.X, brandId, id);
        var (authorId, authorName, text, at) = comment is { } c ? (c.AuthorId, c.AuthorName, c.Text, c.At)
            : posts.FindPost(ChannelKind.X, brandId, id) is { } p ? (p.AuthorId, p.AuthorName, p.Text, p.At)
            : default;
        if (authorId is null)
        {
            return Reply(state, request, ChannelKind.X, call.Raw, ApiAnswer.XProblem(StatusCodes.Status404NotFound, "Not Found Error", $"Could not find tweet with id: [{id}]."));
        }

        var handle = authorId == brandId ? "laposta" : WebhookPayloads.ScreenName(authorName);
        return Reply(state, request, ChannelKind.X, call.Raw, new ApiAnswer(StatusCodes.Status200OK, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["id"] = id, ["text"] = text, ["author_id"] = authorId,
                ["created_at"] = at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["includes"] = new JsonObject { ["users"] = new JsonArray(new JsonObject { ["id"] = authorId, ["name"] = authorName, ["username"] = handle }) },
        }));
    }

    /// <summary>DELETE /2/tweets/{id}: the brand deletes one of its own tweets.</summary>
    private static async Task<IResult> DeleteAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        var (post, comment) = Find(call, posts, id);
        var answer = call.Refusal
            ?? (post is null ? NotFound(id)
            : !(comment?.FromBrand ?? post.FromBrand) ? ApiAnswer.XProblem(StatusCodes.Status403Forbidden, "Forbidden", "You are not allowed to delete a Tweet you did not author.")
            : Done(posts, () => comment is not null ? comment.Deleted = true : post.Deleted = true, "deleted", true));
        return Reply(state, request, ChannelKind.X, call.Raw, answer);
    }

    /// <summary>PUT /2/tweets/{id}/hidden {hidden}: hides (or unhides) a reply in a conversation the brand started.</summary>
    private static async Task<IResult> HideAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        var (post, comment) = Find(call, posts, id);
        bool? hidden = call.Json is { } body && body.TryGetProperty("hidden", out var h) && h.ValueKind is JsonValueKind.True or JsonValueKind.False ? h.GetBoolean() : null;
        var answer = call.Refusal
            ?? (hidden is not { } hide ? ApiAnswer.XInvalidRequest("hidden is a boolean.")
            : post is null ? NotFound(id)
            : comment is null || comment.FromBrand || !post.FromBrand
                ? ApiAnswer.XProblem(StatusCodes.Status403Forbidden, "Forbidden", "You can only hide or unhide replies to conversations you authored.")
            : Done(posts, () => comment.Hidden = hide, "hidden", hide));
        return Reply(state, request, ChannelKind.X, call.Raw, answer);
    }

    /// <summary>POST /2/users/{id}/likes {tweet_id}: the authenticated user (the brand) likes a tweet.</summary>
    private static async Task<IResult> LikeAsync(string userId, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        var tweetId = call.Json is { } body ? Text(body, "tweet_id") : null;
        return Reply(state, request, ChannelKind.X, call.Raw, Like(call, posts, userId, tweetId, true));
    }

    /// <summary>DELETE /2/users/{id}/likes/{tweet_id}: the brand takes its like back.</summary>
    private static async Task<IResult> UnlikeAsync(string userId, string tweetId, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(request, connections, ct);
        return Reply(state, request, ChannelKind.X, call.Raw, Like(call, posts, userId, tweetId, false));
    }

    private static ApiAnswer Like(XCall call, SimulatedPosts posts, string userId, string? tweetId, bool like)
    {
        if (call.Refusal is not null)
        {
            return call.Refusal;
        }

        if (userId != call.Connection!.ExternalId)
        {
            return ApiAnswer.XProblem(StatusCodes.Status403Forbidden, "Forbidden", "You are not permitted to like on behalf of another user.");
        }

        if (string.IsNullOrEmpty(tweetId))
        {
            return ApiAnswer.XInvalidRequest("tweet_id is required.");
        }

        var (post, comment) = Find(call, posts, tweetId);
        return post is null ? NotFound(tweetId)
            : Done(posts, () => comment is not null ? comment.LikedByBrand = like : post.LikedByBrand = like, "liked", like);
    }

    private static (SimPost? Post, SimComment? Comment) Find(XCall call, SimulatedPosts posts, string id)
    {
        if (call.Connection is not { } connection)
        {
            return (null, null);
        }

        var comment = posts.FindComment(ChannelKind.X, connection.ExternalId, id);
        return (comment?.Post ?? posts.FindPost(ChannelKind.X, connection.ExternalId, id), comment);
    }

    private static ApiAnswer Done(SimulatedPosts posts, Func<bool> change, string field, bool value)
    {
        posts.Change(ChannelKind.X, change);
        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["data"] = new JsonObject { [field] = value } });
    }

    private static ApiAnswer NotFound(string id) => ApiAnswer.XProblem(StatusCodes.Status404NotFound, "Not Found Error",
        $"Could not find tweet with id: [{id}].", "https://api.twitter.com/2/problems/resource-not-found");

    private sealed record XCall(string Raw, JsonElement? Json, ConnectionCredentials? Connection, ApiAnswer? Refusal);

    private static async Task<XCall> CallAsync(HttpRequest request, SimulatorConnections connections, CancellationToken ct)
    {
        var (raw, json) = await ReadAsync(request, ct);
        var connection = await connections.FindAsync(ChannelKind.X, ct);
        return connection is not null && WebhookSignature.SameToken(connection.AccessToken, Token(request, queryAllowed: false))
            ? new XCall(raw, json, connection, null)
            : new XCall(raw, json, null, ApiAnswer.XProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized"));
    }
}
