using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Parley.Channels;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The simulated Graph API on public posts (/simulator/graph/{version}/...): the page's or Instagram account's public
/// replies, likes, hiding and deleting of comments, as Parley's console calls them. Parameters come as Graph takes them:
/// in the query, a form or a JSON body; the token as Bearer or access_token. Answers and errors are Graph's.
/// </summary>
public static class GraphPublicApi
{
    private static readonly ChannelKind[] Owners = [ChannelKind.Messenger, ChannelKind.Instagram];

    public static RouteGroupBuilder MapGraphPublicApi(this RouteGroupBuilder simulator)
    {
        var graph = simulator.MapGroup("/graph/{version}");
        graph.MapPost("/{id}/comments", CommentAsync);
        graph.MapPost("/{id}/replies", ReplyAsync);
        graph.MapPost("/{id}/likes", (string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct) =>
            LikeAsync(id, true, request, state, posts, connections, ct));
        graph.MapDelete("/{id}/likes", (string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct) =>
            LikeAsync(id, false, request, state, posts, connections, ct));
        graph.MapPost("/{id}", UpdateAsync);
        graph.MapDelete("/{id}", DeleteAsync);
        return simulator;
    }

    /// <summary>
    /// GET /{post-id}: a brand post's fields as Graph gives them (Facebook <c>message</c>, <c>permalink_url</c>,
    /// <c>full_picture</c>, <c>created_time</c>, <c>from</c>; Instagram <c>caption</c>, <c>permalink</c>, <c>media_url</c>,
    /// <c>timestamp</c>, <c>username</c>), only those asked in <c>fields</c>; null when the id is no post of the token's page.
    /// </summary>
    public static async Task<IResult?> PostAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        if (call.Post is not { } post || call.Comment is not null)
        {
            return null;
        }

        var media = post.MediaUrl is { } m ? $"{request.Scheme}://{request.Host}{m}" : null;
        var at = post.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", System.Globalization.CultureInfo.InvariantCulture);
        var known = call.Network == ChannelKind.Instagram
            ? new Dictionary<string, JsonNode?> { ["caption"] = post.Text, ["permalink"] = post.Permalink, ["media_url"] = media, ["timestamp"] = at, ["username"] = WebhookPayloads.ScreenName(post.AuthorName) }
            : new Dictionary<string, JsonNode?>
            {
                ["message"] = post.Text, ["permalink_url"] = post.Permalink, ["full_picture"] = media, ["created_time"] = at,
                ["from"] = new JsonObject { ["id"] = post.AuthorId, ["name"] = post.AuthorName },
            };
        var answer = new JsonObject { ["id"] = post.Id };
        foreach (var field in request.Query["fields"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (known.TryGetValue(field, out var value) && value is not null)
            {
                answer[field] = value.DeepClone();
            }
        }

        return Reply(state, request, call.Network, call.Raw, new ApiAnswer(StatusCodes.Status200OK, answer));
    }

    /// <summary>Graph's answer for an id it does not know (or the token may not see).</summary>
    public static ApiAnswer UnknownObject(string method, string id) => ApiAnswer.Graph(StatusCodes.Status400BadRequest, 100,
        $"Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        "GraphMethodException", subcode: 33);

    /// <summary>Facebook: POST /{post or comment id}/comments (message) — the page's public reply; Instagram: a comment on the account's own media.</summary>
    private static async Task<IResult> CommentAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        if (call.Refusal is not null || call.Post is not { } post)
        {
            return Reply(state, request, call.Network, call.Raw, call.Refusal ?? UnknownObject("post", id));
        }

        if (call.Network == ChannelKind.Instagram && (call.Comment is not null || !post.FromBrand))
        {
            return Reply(state, request, call.Network, call.Raw, UnknownObject("post", id));
        }

        return Reply(state, request, call.Network, call.Raw, AddReply(call, posts));
    }

    /// <summary>Instagram: POST /{ig-comment-id}/replies (message) — a reply in the comment's thread on the account's media.</summary>
    private static async Task<IResult> ReplyAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        var answer = call.Refusal
            ?? (call.Network != ChannelKind.Instagram || call.Comment is not { Post.FromBrand: true } ? UnknownObject("post", id) : AddReply(call, posts));
        return Reply(state, request, call.Network, call.Raw, answer);
    }

    private static ApiAnswer AddReply(GraphCall call, SimulatedPosts posts)
    {
        var max = PostDtos.MaxText(call.Network!.Value);
        if (call.Values.GetValueOrDefault("message") is not { Length: > 0 } message || message.Length > max)
        {
            return ApiAnswer.GraphParameter($"The parameter message is required (1 to {max} characters).");
        }

        var reply = posts.AddComment(call.Post!, call.Comment, true, call.Connection!.ExternalId, SimulatedPosts.BrandName, message);
        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["id"] = reply.Id });
    }

    /// <summary>Facebook: POST (like) or DELETE (unlike) /{object-id}/likes. Instagram has no likes through the API.</summary>
    private static async Task<IResult> LikeAsync(string id, bool like, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        ApiAnswer answer;
        if (call.Refusal is not null || call.Network != ChannelKind.Messenger || call.Post is null)
        {
            answer = call.Refusal ?? UnknownObject(request.Method.ToLowerInvariant(), id);
        }
        else
        {
            posts.Change(ChannelKind.Messenger, () => call.Comment is { } c ? c.LikedByBrand = like : call.Post.LikedByBrand = like);
            answer = Success();
        }

        return Reply(state, request, call.Network, call.Raw, answer);
    }

    /// <summary>POST /{comment-id}: hide or unhide (Facebook is_hidden, Instagram hide); Facebook also edits the page's own comment (message).</summary>
    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        if (call.Refusal is not null || call.Comment is not { } comment)
        {
            return Reply(state, request, call.Network, call.Raw, call.Refusal ?? UnknownObject("post", id));
        }

        var network = call.Network!.Value;
        var parameter = network == ChannelKind.Instagram ? "hide" : "is_hidden";
        ApiAnswer answer;
        if (call.Values.GetValueOrDefault(parameter) is { } raw)
        {
            answer = Bool(raw) is not { } hide ? ApiAnswer.GraphParameter($"Param {parameter} must be a boolean.")
                : comment.FromBrand ? ApiAnswer.GraphParameter("The page cannot hide its own comment.")
                : !comment.Post.FromBrand ? ApiAnswer.Graph(StatusCodes.Status403Forbidden, 200, "(#200) Only the owner of the media or post hides its comments.")
                : Hide(posts, comment, hide);
        }
        else if (network == ChannelKind.Messenger && comment.FromBrand && call.Values.GetValueOrDefault("message") is { Length: > 0 and <= 8000 } message)
        {
            posts.Change(network, () =>
            {
                comment.Text = message;
                comment.EditedAt = state.Clock.GetUtcNow();
                return true;
            });
            answer = Success();
        }
        else
        {
            answer = ApiAnswer.GraphParameter($"The parameter {parameter} is required.");
        }

        return Reply(state, request, network, call.Raw, answer);
    }

    /// <summary>DELETE /{comment-id}: any comment on the brand's own posts, or its own; Facebook also deletes posts on the Page.</summary>
    private static async Task<IResult> DeleteAsync(string id, HttpRequest request, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var call = await CallAsync(id, request, posts, connections, ct);
        ApiAnswer answer;
        if (call.Refusal is not null || call.Post is not { } post || (call.Comment is null && call.Network == ChannelKind.Instagram))
        {
            answer = call.Refusal ?? UnknownObject("delete", id);
        }
        else if (call.Comment is { } comment && !comment.FromBrand && !post.FromBrand)
        {
            answer = ApiAnswer.Graph(StatusCodes.Status403Forbidden, 200, "(#200) Only the author of a comment, or the owner of the media, deletes it.");
        }
        else
        {
            posts.Change(post.Network, () => call.Comment is { } c ? c.Deleted = true : post.Deleted = true);
            answer = Success();
        }

        return Reply(state, request, call.Network, call.Raw, answer);
    }

    private static ApiAnswer Hide(SimulatedPosts posts, SimComment comment, bool hide)
    {
        posts.Change(comment.Post.Network, () => comment.Hidden = hide);
        return Success();
    }

    private static ApiAnswer Success() => new(StatusCodes.Status200OK, new JsonObject { ["success"] = true });

    private static bool? Bool(string raw) => raw.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    /// <summary>A call on a post or comment: its parameters, the connection whose token it carries, and the object.</summary>
    private sealed record GraphCall(string Raw, Dictionary<string, string> Values, ConnectionCredentials? Connection, SimPost? Post, SimComment? Comment, ApiAnswer? Refusal)
    {
        public ChannelKind? Network => Connection?.Kind;
    }

    private static async Task<GraphCall> CallAsync(string id, HttpRequest request, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        var (raw, json) = await ReadAsync(request, ct);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            values[key] = value.ToString();
        }

        if (json is { } body)
        {
            foreach (var property in body.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => PlatformText.Clean(property.Value.GetString()!),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => property.Value.GetRawText(),
                };
            }
        }
        else if (request.HasFormContentType)
        {
            foreach (var (key, value) in QueryHelpers.ParseQuery(raw))
            {
                values[key] = PlatformText.Clean(value.ToString());
            }
        }

        var token = Token(request, queryAllowed: false) ?? values.GetValueOrDefault("access_token");
        if (values.Remove("access_token") && !request.Query.ContainsKey("access_token"))
        {
            // The token came in the body: the inspector shows the parameters without it.
            raw = string.Join('&', values.Where(v => !request.Query.ContainsKey(v.Key)).Select(v => $"{v.Key}={Uri.EscapeDataString(v.Value)}"));
        }

        ConnectionCredentials? connection = null;
        foreach (var network in Owners)
        {
            if (await connections.FindAsync(network, ct) is { } c && WebhookSignature.SameToken(c.AccessToken, token))
            {
                connection = c;
                break;
            }
        }

        if (connection is null)
        {
            return new GraphCall(raw, values, null, null, null, GraphApi.InvalidToken());
        }

        var comment = posts.FindComment(connection.Kind, connection.ExternalId, id);
        var post = comment?.Post ?? posts.FindPost(connection.Kind, connection.ExternalId, id);
        return new GraphCall(raw, values, connection, post, comment, null);
    }
}
