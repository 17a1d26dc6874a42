using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Webhooks;

namespace Parley.Simulator;

/// <summary>A simulated platform API's answer: its status and JSON body (in the platform's own error format when it refuses).</summary>
public sealed record ApiAnswer(int Status, JsonNode Body, string ContentType = "application/json")
{
    /// <summary>A Graph API error: <c>{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}</c>.</summary>
    public static ApiAnswer Graph(int status, int code, string message, string type = "OAuthException", int? subcode = null)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code };
        if (subcode is not null)
        {
            error["error_subcode"] = subcode;
        }

        error["fbtrace_id"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9));
        return new ApiAnswer(status, new JsonObject { ["error"] = error });
    }

    /// <summary>Graph's error 100: a parameter is missing or wrong.</summary>
    public static ApiAnswer GraphParameter(string message) => Graph(StatusCodes.Status400BadRequest, 100, "(#100) " + message);

    /// <summary>X API v2's answer to a malformed request: the parameter's problem in errors[].message.</summary>
    public static ApiAnswer XInvalidRequest(string message) => new(StatusCodes.Status400BadRequest, new JsonObject
    {
        ["errors"] = new JsonArray(new JsonObject { ["message"] = message }),
        ["title"] = "Invalid Request",
        ["detail"] = "One or more parameters to your request was invalid.",
        ["type"] = "https://api.twitter.com/2/problems/invalid-request",
    });

    /// <summary>An X API v2 problem (X answers errors as application/problem+json).</summary>
    public static ApiAnswer XProblem(int status, string title, string detail, string type = "about:blank") =>
        new(status, new JsonObject { ["title"] = title, ["detail"] = detail, ["type"] = type, ["status"] = status }, "application/problem+json");
}

/// <summary>What the simulated APIs share: reading the call, the caller's token, writing the answer into the inspector.</summary>
public static class SimulatedApi
{
    /// <summary>The raw body and its JSON (null when the body is not a JSON object).</summary>
    public static async Task<(string Raw, JsonElement? Json)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await WebhookBody.ReadAsync(request, ct);
        if (body is null)
        {
            return ("(over 1 MB)", null);
        }

        var raw = System.Text.Encoding.UTF8.GetString(body);
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            return (raw, document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null);
        }
        catch (JsonException)
        {
            return (raw, null);
        }
    }

    /// <summary>The Bearer token, or Graph's access_token query parameter.</summary>
    public static string? Token(HttpRequest request, bool queryAllowed)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return queryAllowed && request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }

    /// <summary>Writes the answer, and the call with it into the inspector (never the token).</summary>
    public static IResult Reply(SimulatorState state, HttpRequest request, ChannelKind? network, string raw, ApiAnswer answer)
    {
        var query = string.Join('&', request.Query.Where(q => q.Key != "access_token").Select(q => $"{q.Key}={q.Value}"));
        var path = request.Path.Value + (query.Length > 0 ? "?" + query : string.Empty);
        var body = answer.Body.ToJsonString();
        state.Log("api", network, request.Method, path, answer.Status, raw, body);
        return Results.Text(body, answer.ContentType, System.Text.Encoding.UTF8, answer.Status);
    }

    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? PlatformText.Clean(value.GetString()!)
            : null;

    public static JsonElement? Member(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static JsonElement? Items(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? value : null;

    /// <summary>A customer the simulator has not seen (a restart forgot them; the console wrote first) gets a placeholder name.</summary>
    public static SimCustomer Recipient(SimulatorState state, ChannelKind network, string id) =>
        state.GetOrAdd(network, id, $"Customer …{id[^Math.Min(4, id.Length)..]}");

    /// <summary>When the customer last wrote, if the simulator saw it (the 24-hour windows count from there).</summary>
    public static DateTimeOffset? LastCustomerMessage(SimulatorState state, SimCustomer customer) =>
        state.Read(() => customer.Messages.Where(m => m.FromCustomer).Select(m => (DateTimeOffset?)m.At).LastOrDefault());
}
