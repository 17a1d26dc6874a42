using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Channels.Webhooks;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>
/// X API v2 calls on tweets, with the account's OAuth 2.0 user token: a public reply (<c>POST /2/tweets</c> with
/// <c>reply.in_reply_to_tweet_id</c>), hiding a reply (<c>PUT /2/tweets/{id}/hidden</c>), deleting the brand's tweet
/// (<c>DELETE /2/tweets/{id}</c>) and liking (<c>POST /2/users/{account-id}/likes</c>). X has no private reply to a
/// tweet: the brand invites the customer to a direct message, in public.
/// </summary>
public sealed class XPublicApi(IHttpClientFactory http, PlatformApi platformApi, IOptions<XOptions> options, TimeProvider clock) : IPublicPlatform
{
    public bool Handles(ChannelKind channel) => channel == ChannelKind.X;

    public bool CanLike(ChannelKind channel) => true;

    public bool HasPrivateReplies(ChannelKind channel) => false;

    /// <summary>Tweets <paramref name="text"/> in reply to <paramref name="tweetId"/>; X answers <c>{"data": {"id", "text"}}</c>.</summary>
    public async Task<SendResult> ReplyAsync(ConnectionCredentials connection, string tweetId, string text, CancellationToken ct)
    {
        var body = new JsonObject { ["text"] = text, ["reply"] = new JsonObject { ["in_reply_to_tweet_id"] = tweetId } };
        using var response = await CallAsync(connection, HttpMethod.Post, "2/tweets", body, ct);
        if (response is null)
        {
            return SendResult.Retry("The X connection has no access token: connect the account again.", connectionPaused: true);
        }

        var answer = await response.Content.ReadAsStringAsync(ct);
        return XSendAnswer.Map(response, answer, clock.GetUtcNow(), XSendAnswer.TweetId);
    }

    public async Task<PlatformAnswer> ModerateAsync(ChannelKind channel, ConnectionCredentials connection, PublicAction action, string platformId, CancellationToken ct)
    {
        var id = Uri.EscapeDataString(platformId);
        var (method, path, body) = action switch
        {
            PublicAction.Hide or PublicAction.Unhide => (HttpMethod.Put, $"2/tweets/{id}/hidden", new JsonObject { ["hidden"] = action == PublicAction.Hide }),
            PublicAction.Like => (HttpMethod.Post, $"2/users/{Uri.EscapeDataString(connection.ExternalId)}/likes", new JsonObject { ["tweet_id"] = platformId }),
            _ => (HttpMethod.Delete, $"2/tweets/{id}", (JsonObject?)null),
        };
        using var response = await CallAsync(connection, method, path, body, ct);
        if (response is null)
        {
            return PlatformAnswer.Refused("The X connection has no access token: connect the account again.");
        }

        if (response.IsSuccessStatusCode)
        {
            return PlatformAnswer.Done;
        }

        var reason = XSendAnswer.Reason(await response.Content.ReadAsStringAsync(ct)) ?? response.StatusCode.ToString();
        return PlatformAnswer.Refused($"X refused ({(int)response.StatusCode}): {reason}");
    }

    public Task<PlatformAnswer> PrivateReplyAsync(ChannelKind channel, ConnectionCredentials connection, string commentId, bool visitorPost, string text, CancellationToken ct) =>
        Task.FromResult(PlatformAnswer.Refused("X has no private reply to a tweet: invite the customer to a direct message instead."));

    /// <summary>
    /// <c>GET /2/tweets/{id}</c> with its author (<c>expansions=author_id</c>) and time: the tweet a reply thread hangs on
    /// when X's event named it by id only. The link is the tweet's address on x.com.
    /// </summary>
    public async Task<PublicPost?> PostAsync(ChannelKind channel, ConnectionCredentials connection, string postId, CancellationToken ct)
    {
        var path = $"2/tweets/{Uri.EscapeDataString(postId)}?tweet.fields=created_at,author_id&expansions=author_id&user.fields=name,username";
        using var response = await CallAsync(connection, HttpMethod.Get, path, null, ct);
        if (response is not { IsSuccessStatusCode: true })
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)); // a JsonException is the caller's to log
        if (PublicFields.Child(json.RootElement, "data") is not { } tweet)
        {
            return null;
        }

        var authorId = PublicFields.Id(tweet, "author_id");
        var author = json.RootElement.TryGetProperty("includes", out var includes) && includes.ValueKind == JsonValueKind.Object
            && includes.TryGetProperty("users", out var users) && users.ValueKind == JsonValueKind.Array
            ? users.EnumerateArray().FirstOrDefault(u => PublicFields.Id(u, "id") == authorId)
            : default;
        var username = author.ValueKind == JsonValueKind.Object ? PlatformText.Of(author, "username") : null;
        var link = username is { Length: > 0 } ? PublicFields.WebUrl($"https://x.com/{Uri.EscapeDataString(username)}/status/{Uri.EscapeDataString(postId)}") : null;
        return new PublicPost(postId, ByBrand: authorId == connection.ExternalId, authorId,
            author.ValueKind == JsonValueKind.Object ? PlatformText.Of(author, "name") : null, PlatformText.Of(tweet, "text"), link, null,
            PublicFields.Time(tweet, "created_at"));
    }

    private async Task<HttpResponseMessage?> CallAsync(ConnectionCredentials connection, HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        if (connection.AccessToken is not { Length: > 0 } token)
        {
            return null;
        }

        using var request = new HttpRequestMessage(method, $"{platformApi.BaseUrl(connection, options.Value.ApiUrl)}/{path}");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.CreateClient(XConnector.HttpClientName).SendAsync(request, ct);
    }
}
