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

        return (null, Failure((int)response.StatusCode, json, response.ReasonPhrase ?? response.StatusCode.ToString(), RetryAfter(response)));
    }

    /// <summary>
    /// Several calls in one request (Graph's batch: <c>POST {graph}/</c> with <c>batch</c>, at most
    /// <see cref="MaxBatch"/>), each one run only once the one before it succeeded (<c>depends_on</c>), so they run in
    /// order. The answers come in the calls' order: a 2xx call's body, a failed call's classified failure, or null for a call
    /// the platform did not run (after one that failed, or when the batch timed out). A failure of the request itself is
    /// returned alone.
    /// </summary>
    public async Task<(IReadOnlyList<BatchAnswer?>? Answers, SendResult? Failure)> ChainAsync(
        ConnectionCredentials connection, IReadOnlyList<(string Path, IReadOnlyList<KeyValuePair<string, string>> Form)> calls, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(calls.Count, MaxBatch);
        var batch = new JsonArray();
        for (var i = 0; i < calls.Count; i++)
        {
            var call = new JsonObject
            {
                ["method"] = "POST",
                ["relative_url"] = calls[i].Path,
                ["name"] = $"call{i}",
                ["omit_response_on_success"] = false,
                ["body"] = string.Join('&', calls[i].Form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")),
            };
            if (i > 0)
            {
                call["depends_on"] = $"call{i - 1}";
            }

            batch.Add(call);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{api.BaseUrl(connection, options.Value.GraphApiUrl)}/");
        request.Content = new FormUrlEncodedContent([new("batch", batch.ToJsonString()), new("include_headers", "false")]);
        var (answer, failure) = await SendAsync(connection, request, ct);
        if (failure is not null)
        {
            return (null, failure);
        }

        if (answer is not { ValueKind: JsonValueKind.Array } array)
        {
            return (null, SendResult.Retry("The Graph API answered a batch with something other than a list of answers."));
        }

        var answers = new BatchAnswer?[calls.Count];
        var index = 0;
        foreach (var item in array.EnumerateArray().Take(calls.Count))
        {
            answers[index++] = item.ValueKind == JsonValueKind.Object && Int(item, "code") is { } code ? Answer(code, item) : null;
        }

        return (answers, null);
    }

    /// <summary>Graph's limit on the calls in one batch request.</summary>
    public const int MaxBatch = 50;

    private static BatchAnswer Answer(int code, JsonElement item)
    {
        JsonElement? body = null;
        if (item.TryGetProperty("body", out var text) && text.ValueKind == JsonValueKind.String)
        {
            try
            {
                body = JsonDocument.Parse(text.GetString()!).RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }

        return code is >= 200 and < 300 && body is not null
            ? new BatchAnswer(body, null)
            : new BatchAnswer(null, Failure(code, body, $"HTTP {code}", retryAfter: null));
    }

    /// <summary>A Graph error (<c>{"error": {"message", "code", "error_subcode"}}</c>) classified for the dispatcher.</summary>
    private static SendResult Failure(int status, JsonElement? json, string reason, TimeSpan? retryAfter)
    {
        var error = json is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : (JsonElement?)null;
        var message = error is { } err && err.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : reason;
        return MetaSendRules.Classify(status, Int(error, "code"), Int(error, "error_subcode"), message, retryAfter);
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

/// <summary>One call's answer in a batch: its body when it succeeded, else its failure.</summary>
public sealed record BatchAnswer(JsonElement? Body, SendResult? Failure);
