using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Parley.Channels.Meta;

/// <summary>Calls to Meta's Graph API with a connection's token (Authorization: Bearer), answers read in Graph's format.</summary>
public sealed class MetaGraphClient(IHttpClientFactory http, PlatformApi api, IOptions<MetaOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "meta-graph";

    /// <summary>POSTs JSON to <c>{graph}/{path}</c>; a 2xx gives the answer, anything else a classified failure.</summary>
    public Task<(JsonElement? Answer, SendResult? Failure)> PostAsync(ConnectionCredentials connection, string path, JsonObject body, CancellationToken ct) =>
        CallAsync(HttpMethod.Post, connection, path, body, ct);

    /// <summary>Any Graph call (POST, DELETE...) with an optional JSON body; a 2xx gives the answer, anything else a classified failure.</summary>
    public async Task<(JsonElement? Answer, SendResult? Failure)> CallAsync(
        HttpMethod method, ConnectionCredentials connection, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, $"{api.BaseUrl(connection, options.Value.GraphApiUrl)}/{path}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await SendAsync(connection, request, ct);
    }

    public async Task<(JsonElement? Answer, SendResult? Failure)> GetAsync(ConnectionCredentials connection, string pathAndQuery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{api.BaseUrl(connection, options.Value.GraphApiUrl)}/{pathAndQuery}");
        return await SendAsync(connection, request, ct);
    }

    private async Task<(JsonElement? Answer, SendResult? Failure)> SendAsync(ConnectionCredentials connection, HttpRequestMessage request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(connection.AccessToken))
        {
            return (null, SendResult.Retry("The connection has no access token (or it can no longer be read): an admin must enter it again.", connectionPaused: true));
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.AccessToken);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        if (response.IsSuccessStatusCode && json is not null)
        {
            return (json, null);
        }

        var error = json is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : (JsonElement?)null;
        var message = error is { } err && err.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : response.ReasonPhrase ?? response.StatusCode.ToString();
        return (null, MetaSendRules.Classify((int)response.StatusCode, Int(error, "code"), Int(error, "error_subcode"), message, RetryAfter(response)));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retry)
        {
            return retry.Delta ?? (retry.Date is { } date ? date - clock.GetUtcNow() : null);
        }

        return response.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.FromMinutes(1) : null;
    }

    private static int? Int(JsonElement? element, string property) =>
        element is { } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
