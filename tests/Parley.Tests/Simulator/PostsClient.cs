using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>The /simulator page's public posts calls as a test makes them, and the platform API calls Parley would make.</summary>
public sealed class PostsClient(HttpClient http)
{
    public const string Graph = "/simulator/graph/v23.0";

    public HttpClient Http => http;

    /// <summary>The network's posts as <paramref name="viewer"/> sees them, newest first.</summary>
    public async Task<List<JsonElement>> PostsAsync(string network, string? viewer = null)
    {
        var response = await http.GetAsync($"/simulator/api/posts?network={network}&viewer={viewer}");
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("posts").EnumerateArray().ToList();
    }

    /// <summary>The id of one of the brand's seeded posts.</summary>
    public async Task<string> BrandPostAsync(string network) =>
        (await PostsAsync(network)).First(p => p.GetProperty("fromBrand").GetBoolean()).GetProperty("id").GetString()!;

    /// <summary>The comments of the post holding <paramref name="id"/> (or of the post <paramref name="id"/>), as the viewer sees them.</summary>
    public async Task<List<JsonElement>> CommentsAsync(string network, string postId, string? viewer = null) =>
        (await PostsAsync(network, viewer)).Single(p => p.GetProperty("id").GetString() == postId).GetProperty("comments").EnumerateArray().ToList();

    /// <summary>The customer comments on a post or replies to a comment; returns {id, webhookStatus, webhookAnswer}.</summary>
    public async Task<JsonElement> CommentAsync(string network, string objectId, string customerId, string text)
    {
        var response = await http.PostAsJsonAsync($"/simulator/api/posts/{network}/{objectId}/comments", new { customerId, text });
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<string> CommentIdAsync(string network, string objectId, string customerId, string text) =>
        (await CommentAsync(network, objectId, customerId, text)).GetProperty("id").GetString()!;

    /// <summary>A visitor post (Facebook), a post mentioning @laposta (Instagram), a tweet mentioning it (X).</summary>
    public async Task<JsonElement> PostAsync(string network, string customerId, string text)
    {
        var response = await http.PostAsJsonAsync("/simulator/api/posts", new { network, customerId, text });
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<HttpResponseMessage> EditAsync(string network, string objectId, string customerId, string text) =>
        http.PutAsJsonAsync($"/simulator/api/posts/{network}/{objectId}", new { customerId, text });

    public Task<HttpResponseMessage> DeleteAsync(string network, string objectId, string customerId) =>
        http.DeleteAsync($"/simulator/api/posts/{network}/{objectId}?customerId={customerId}");

    /// <summary>A platform API call with a Bearer token (none when null) and a JSON or form body.</summary>
    public Task<HttpResponseMessage> ApiAsync(HttpMethod method, string url, string? token, object? json = null, Dictionary<string, string>? form = null)
    {
        var request = new HttpRequestMessage(method, url)
        {
            Content = form is not null ? new FormUrlEncodedContent(form) : json is not null ? JsonContent.Create(json) : null,
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http.SendAsync(request);
    }

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        await Expect.StatusAsync(response, status);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A Graph error: the status, and {"error": {"message", "type", "code", "fbtrace_id"}}; returns its code.</summary>
    public static async Task<int> GraphErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        await Expect.StatusAsync(response, status);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.True(error.GetProperty("message").GetString() is { Length: > 0 });
        Assert.True(error.TryGetProperty("fbtrace_id", out _));
        Assert.True(error.TryGetProperty("type", out _));
        return error.GetProperty("code").GetInt32();
    }
}
