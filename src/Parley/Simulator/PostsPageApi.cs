using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Channels;
using Parley.Channels.Webhooks;

namespace Parley.Simulator;

/// <summary>
/// The page's JSON API for public posts: the feed of each network, and what a customer does in public (comment, reply,
/// edit, delete; a visitor post on the Facebook Page, an Instagram post mentioning @laposta, a tweet mentioning it). Each
/// action posts the platform's signed webhook to Parley, when the platform sends one.
/// </summary>
public static class PostsPageApi
{
    public static RouteGroupBuilder MapPostsPageApi(this RouteGroupBuilder simulator)
    {
        simulator.MapGet("/media/{file}", PostDtos.Media);
        var api = simulator.MapGroup("/api/posts");
        api.MapGet(string.Empty, FeedAsync);
        api.MapPost(string.Empty, PostAsync);
        api.MapPost("/{network}/{objectId}/comments", CommentAsync);
        api.MapPut("/{network}/{objectId}", EditAsync);
        api.MapDelete("/{network}/{objectId}", DeleteAsync);
        return simulator;
    }

    private static async Task<Results<Ok<PostsDto>, ProblemHttpResult>> FeedAsync(
        string? network, string? viewer, long? since, SimulatedPosts posts, SimulatorConnections connections, CancellationToken ct)
    {
        if (await ConnectionAsync(network, connections, ct) is not ({ } kind, { } connection))
        {
            return NoPosts(network);
        }

        var list = posts.Posts(kind, connection.ExternalId);
        var version = posts.Version(kind);
        return TypedResults.Ok(new PostsDto(version, SimulatedNetworks.Slug(kind), connection.ExternalId,
            since == version ? null : posts.Read(() => list.Select(p => PostDtos.Dto(p, viewer)).ToList())));
    }

    /// <summary>Facebook: a visitor post on the Page; Instagram: a post of the customer's whose caption mentions @laposta; X: a tweet mentioning @laposta.</summary>
    private static async Task<Results<Ok<PublicSentDto>, ProblemHttpResult>> PostAsync(
        NewPublicPost body, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (await ConnectionAsync(body.Network, connections, ct) is not ({ } kind, { } connection))
        {
            return NoPosts(body.Network);
        }

        if (Customer(state, kind, body.CustomerId) is not { } customer)
        {
            return UnknownCustomer();
        }

        if (Clean(body.Text, kind == ChannelKind.Messenger ? null : "@" + PublicWebhookPayloads.BrandHandle + " ", kind) is not { } text)
        {
            return Problem($"A post has 1 to {PostDtos.MaxText(kind)} characters.");
        }

        var post = posts.AddPost(kind, connection.ExternalId, false, customer.PlatformId, customer.Name, text, kind == ChannelKind.Instagram ? "/simulator/media/photo.svg" : null);
        var now = state.Clock.GetUtcNow();
        (JsonObject Payload, string What) webhook = kind switch
        {
            ChannelKind.Messenger => (PublicWebhookPayloads.FeedVisitorPost(connection.ExternalId, post, PublicVerb.Add, now), "feed: status add"),
            ChannelKind.Instagram => (PublicWebhookPayloads.InstagramMention(connection.ExternalId, post.Id, null, now), "mentions"),
            _ => (PublicWebhookPayloads.TweetCreate(connection.ExternalId, post.Id, text, customer, null, now), "tweet_create_events"),
        };
        return TypedResults.Ok(await SendAsync(kind, connection, webhook, webhooks, posts, s => post.WebhookStatus = s, post.Id, ct));
    }

    /// <summary>A comment on a post, or a reply to a comment (on X, a reply tweet).</summary>
    private static async Task<Results<Ok<PublicSentDto>, ProblemHttpResult>> CommentAsync(
        string network, string objectId, PublicText body, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (await ConnectionAsync(network, connections, ct) is not ({ } kind, { } connection))
        {
            return NoPosts(network);
        }

        if (Customer(state, kind, body.CustomerId) is not { } customer)
        {
            return UnknownCustomer();
        }

        var replyTo = posts.FindComment(kind, connection.ExternalId, objectId);
        if ((replyTo?.Post ?? posts.FindPost(kind, connection.ExternalId, objectId)) is not { } post)
        {
            return UnknownObject();
        }

        // On X a reply names the conversation's author first, as the app writes it.
        if (Clean(body.Text, kind == ChannelKind.X ? "@" + PublicWebhookPayloads.BrandHandle + " " : null, kind) is not { } text)
        {
            return Problem($"A comment has 1 to {PostDtos.MaxText(kind)} characters.");
        }

        var comment = posts.AddComment(post, replyTo, false, customer.PlatformId, customer.Name, text);
        var now = state.Clock.GetUtcNow();
        var brandId = connection.ExternalId;
        (JsonObject Payload, string What)? webhook = kind switch
        {
            ChannelKind.Messenger => (PublicWebhookPayloads.FeedComment(brandId, comment, PublicVerb.Add, now), "feed: comment add"),
            ChannelKind.Instagram when post.FromBrand => (PublicWebhookPayloads.InstagramComment(brandId, comment, now), "comments"),
            ChannelKind.Instagram when Mentions(text) => (PublicWebhookPayloads.InstagramMention(brandId, post.Id, comment.Id, now), "mentions"),
            ChannelKind.Instagram => null,
            _ => (PublicWebhookPayloads.TweetCreate(brandId, comment.Id, text, customer,
                (replyTo?.Id ?? post.Id, replyTo?.AuthorId ?? post.AuthorId, replyTo is null ? Handle(post.FromBrand, post.AuthorName) : Handle(replyTo.FromBrand, replyTo.AuthorName)), now),
                "tweet_create_events"),
        };
        return TypedResults.Ok(await SendAsync(kind, connection, webhook, webhooks, posts, s => comment.WebhookStatus = s, comment.Id, ct));
    }

    /// <summary>The customer edits their comment or visitor post: only Facebook lets them (and says so with verb edited).</summary>
    private static async Task<Results<Ok<PublicSentDto>, ProblemHttpResult>> EditAsync(
        string network, string objectId, PublicText body, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (await ConnectionAsync(network, connections, ct) is not ({ } kind, { } connection))
        {
            return NoPosts(network);
        }

        if (kind != ChannelKind.Messenger)
        {
            return Problem($"{(kind == ChannelKind.X ? "X" : "Instagram")} does not let the simulator's customers edit what they published.", StatusCodes.Status409Conflict);
        }

        if (Clean(body.Text, null, kind) is not { } text)
        {
            return Problem($"A comment has 1 to {PostDtos.MaxText(kind)} characters.");
        }

        var comment = posts.FindComment(kind, connection.ExternalId, objectId);
        var post = comment is null ? posts.FindPost(kind, connection.ExternalId, objectId) : null;
        if ((comment?.AuthorId ?? (post is { FromBrand: false } ? post.AuthorId : null)) is not { } author || author != body.CustomerId)
        {
            return comment is null && post is null ? UnknownObject() : Problem("A customer edits only what they wrote.", StatusCodes.Status403Forbidden);
        }

        var now = state.Clock.GetUtcNow();
        posts.Change(kind, () =>
        {
            if (comment is not null)
            {
                comment.Text = text;
                comment.EditedAt = now;
            }
            else
            {
                post!.Text = text;
                post.EditedAt = now;
            }

            return true;
        });
        var payload = comment is not null
            ? PublicWebhookPayloads.FeedComment(connection.ExternalId, comment, PublicVerb.Edited, now)
            : PublicWebhookPayloads.FeedVisitorPost(connection.ExternalId, post!, PublicVerb.Edited, now);
        var result = await webhooks.PostAsync(kind, connection, payload, comment is null ? "feed: status edited" : "feed: comment edited", ct);
        return TypedResults.Ok(new PublicSentDto(objectId, result.Status, result.Body));
    }

    /// <summary>The customer deletes their comment or post: Facebook sends verb remove, X a tweet_delete_event, Instagram nothing.</summary>
    private static async Task<Results<Ok<PublicSentDto>, ProblemHttpResult>> DeleteAsync(
        string network, string objectId, string? customerId, SimulatorState state, SimulatedPosts posts, SimulatorConnections connections, WebhookSender webhooks, CancellationToken ct)
    {
        if (await ConnectionAsync(network, connections, ct) is not ({ } kind, { } connection))
        {
            return NoPosts(network);
        }

        var comment = posts.FindComment(kind, connection.ExternalId, objectId);
        var post = comment is null ? posts.FindPost(kind, connection.ExternalId, objectId) : null;
        if ((comment?.AuthorId ?? (post is { FromBrand: false } ? post.AuthorId : null)) is not { } author || author != customerId)
        {
            return comment is null && post is null ? UnknownObject() : Problem("A customer deletes only what they wrote.", StatusCodes.Status403Forbidden);
        }

        posts.Change(kind, () => comment is not null ? comment.Deleted = true : post!.Deleted = true);
        var now = state.Clock.GetUtcNow();
        var brandId = connection.ExternalId;
        (JsonObject Payload, string What)? webhook = kind switch
        {
            ChannelKind.Messenger when comment is not null => (PublicWebhookPayloads.FeedComment(brandId, comment, PublicVerb.Remove, now), "feed: comment remove"),
            ChannelKind.Messenger => (PublicWebhookPayloads.FeedVisitorPost(brandId, post!, PublicVerb.Remove, now), "feed: status remove"),
            ChannelKind.X => (PublicWebhookPayloads.TweetDelete(brandId, objectId, author, now), "tweet_delete_events"),
            _ => null,
        };
        return TypedResults.Ok(await SendAsync(kind, connection, webhook, webhooks, posts, _ => { }, objectId, ct));
    }

    private static async Task<PublicSentDto> SendAsync(
        ChannelKind kind, ConnectionCredentials connection, (JsonObject Payload, string What)? webhook, WebhookSender webhooks, SimulatedPosts posts,
        Action<int?> record, string id, CancellationToken ct)
    {
        if (webhook is not { } w)
        {
            return new PublicSentDto(id, null, null);
        }

        var result = await webhooks.PostAsync(kind, connection, w.Payload, w.What, ct);
        posts.Change(kind, () =>
        {
            record(result.Status);
            return true;
        });
        return new PublicSentDto(id, result.Status, result.Body);
    }

    private static async Task<(ChannelKind?, ConnectionCredentials?)> ConnectionAsync(string? network, SimulatorConnections connections, CancellationToken ct) =>
        SimulatedNetworks.FromSlug(network) is { } kind && SimulatedPosts.HasPosts(kind) && await connections.FindAsync(kind, ct) is { } connection
            ? (kind, connection)
            : (null, null);

    private static SimCustomer? Customer(SimulatorState state, ChannelKind network, string? id) => id is null ? null : state.Find(network, id);

    /// <summary>The text cleaned and trimmed, with <paramref name="prefix"/> put first when the text does not hold it; null when empty or too long.</summary>
    private static string? Clean(string? raw, string? prefix, ChannelKind network)
    {
        var text = PlatformText.Clean(raw ?? string.Empty).Trim();
        if (text.Length > 0 && prefix is not null && !text.Contains(prefix.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            text = prefix + text;
        }

        return text.Length is 0 || text.Length > PostDtos.MaxText(network) ? null : text;
    }

    private static bool Mentions(string text) => text.Contains("@" + PublicWebhookPayloads.BrandHandle, StringComparison.OrdinalIgnoreCase);

    private static string Handle(bool fromBrand, string name) => fromBrand ? PublicWebhookPayloads.BrandHandle : WebhookPayloads.ScreenName(name);

    private static ProblemHttpResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(detail, statusCode: status, title: status == StatusCodes.Status400BadRequest ? "Invalid simulator request" : "Not allowed");

    private static ProblemHttpResult NoPosts(string? network) => Problem(
        $"Public posts are on messenger (the Facebook Page), instagram and x, once their connection talks to the simulator; not on '{network}'.");

    private static ProblemHttpResult UnknownCustomer() =>
        TypedResults.Problem("customerId names none of the simulator's customers on this network.", statusCode: StatusCodes.Status404NotFound, title: "Unknown customer");

    private static ProblemHttpResult UnknownObject() =>
        TypedResults.Problem("The simulator has no such post or comment on this network (it forgets them when the server restarts).", statusCode: StatusCodes.Status404NotFound, title: "Unknown post or comment");
}
