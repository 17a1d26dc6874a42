using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>The simulated messages endpoint: a message by a page, an Instagram account or a WhatsApp number.</summary>
public sealed class GraphSends(ConnectionDirectory directory, MessengerSends messenger, WhatsAppSends whatsApp, PrivateReplies privateReplies)
{
    /// <summary>POST /{id}/messages with the token the call carries: which network it went to, and Graph's answer.</summary>
    public async Task<(ChannelKind? Network, ApiAnswer Answer)> SendAsync(string id, string? token, JsonElement? json, CancellationToken ct)
    {
        ConnectionCredentials? connection = null;
        if (id == "me")
        {
            // /me is the page (or Instagram account) the token belongs to.
            foreach (var network in GraphApi.MetaNetworks[..2])
            {
                connection ??= (await directory.AllAsync(network, ct)).FirstOrDefault(c => WebhookSignature.SameToken(c.AccessToken, token));
            }
        }
        else
        {
            foreach (var network in GraphApi.MetaNetworks)
            {
                connection ??= await directory.FindAsync(network, id, ct);
            }
        }

        if (connection is null && id != "me")
        {
            return (null, ApiAnswer.GraphParameter($"Unsupported post request. Object with ID '{id}' does not exist or does not support this operation."));
        }

        if (connection is null || !WebhookSignature.SameToken(connection.AccessToken, token))
        {
            return (connection?.Kind, GraphApi.InvalidToken());
        }

        var answer = json is not { } body ? ApiAnswer.GraphParameter("The body is not a JSON object.")
            : connection.Kind == ChannelKind.WhatsApp ? whatsApp.Send(connection, body)
            : PrivateReplies.Asks(body) ? privateReplies.Send(connection, body)
            : messenger.Send(connection, body);
        return (connection.Kind, answer);
    }
}

/// <summary>
/// Graph's batch (<c>POST /</c> with a <c>batch</c> form field): the simulator runs the messages calls in it, in order; a
/// call that names the one before it (<c>depends_on</c>) runs only if that one succeeded, and is answered null otherwise.
/// Each call shows in the inspector as its own; the answer is the list of <c>{code, body}</c>.
/// </summary>
public static partial class GraphBatch
{
    [GeneratedRegex(@"^/?(?:v\d+(?:\.\d+)?/)?(?<id>[^/?]+)/messages$")]
    private static partial Regex MessagesUrl();

    public static async Task<IResult> RunAsync(HttpRequest request, SimulatorState state, GraphSends sends, CancellationToken ct)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        var batch = form?["batch"].ToString() is { Length: > 0 } text ? Parse(text) : null;
        if (batch is null)
        {
            return Reply(state, request, null, form?["batch"].ToString() ?? string.Empty,
                ApiAnswer.GraphParameter("The parameter batch is required: a JSON list of calls, each with method and relative_url."));
        }

        if (batch.Count > MetaGraphClient.MaxBatch)
        {
            return Reply(state, request, null, string.Empty, ApiAnswer.GraphParameter($"A batch holds at most {MetaGraphClient.MaxBatch} calls."));
        }

        var token = Token(request, queryAllowed: true);
        var answers = new JsonArray();
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        ChannelKind? last = null;
        foreach (var call in batch)
        {
            var name = Str(call, "name");
            if (Str(call, "depends_on") is { } parent && !succeeded.Contains(parent))
            {
                answers.Add(null);
                continue;
            }

            var relative = Str(call, "relative_url") ?? string.Empty;
            var body = Str(call, "body") ?? string.Empty;
            var match = MessagesUrl().Match(relative);
            var (network, answer) = !string.Equals(Str(call, "method"), "POST", StringComparison.OrdinalIgnoreCase) || !match.Success
                ? (null, ApiAnswer.GraphParameter($"The simulator's batch runs POST {{id}}/messages calls, not '{relative}'."))
                : await sends.SendAsync(match.Groups["id"].Value, token, Object(body), ct);
            last = network ?? last;
            state.Log("api", network, "POST", $"{request.Path.Value}{relative} (batch)", answer.Status, body, answer.Body.ToJsonString());
            if (answer.Status is >= 200 and < 300 && name is not null)
            {
                succeeded.Add(name);
            }

            answers.Add(new JsonObject { ["code"] = answer.Status, ["body"] = answer.Body.ToJsonString() });
        }

        return Reply(state, request, last, $"batch of {batch.Count}", new ApiAnswer(StatusCodes.Status200OK, answers));
    }

    private static string? Str(JsonNode? call, string property) =>
        call is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static JsonArray? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A call's form body as the JSON object the messages endpoint reads: a value that is JSON (recipient, message) is taken as JSON.</summary>
    private static JsonElement? Object(string form)
    {
        var body = new JsonObject();
        foreach (var (key, value) in QueryHelpers.ParseQuery(form))
        {
            var text = value.ToString();
            JsonNode? node = null;
            if (text.StartsWith('{') || text.StartsWith('['))
            {
                try
                {
                    node = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                }
            }

            body[key] = node ?? JsonValue.Create(text);
        }

        return JsonSerializer.SerializeToElement(body);
    }
}
