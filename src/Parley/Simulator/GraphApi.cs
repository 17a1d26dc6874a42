using System.Globalization;
using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The simulated Graph API (/simulator/graph/v23.0/...) that Parley's Messenger, Instagram and WhatsApp connectors call
/// for the demo's connections: the messages endpoints, and the profiles of Messenger and Instagram customers. A call must
/// carry the connection's access token (Bearer, or Graph's access_token parameter); errors are in Graph's format.
/// </summary>
public static class GraphApi
{
    public static readonly ChannelKind[] MetaNetworks = [ChannelKind.Messenger, ChannelKind.Instagram, ChannelKind.WhatsApp];

    public static RouteGroupBuilder MapGraphApi(this RouteGroupBuilder simulator)
    {
        var graph = simulator.MapGroup("/graph/{version}");
        graph.MapPost("/{id}/messages", SendAsync);
        graph.MapPost("/", GraphBatch.RunAsync);
        graph.MapGet("/{id}", ObjectAsync);
        graph.MapFallback("/{**rest}", (HttpRequest request, SimulatorState state) =>
            Reply(state, request, null, string.Empty, ApiAnswer.GraphParameter($"Unsupported {request.Method} request: the simulator answers POST /{{id}}/messages (alone or in a batch, POST / with batch), GET /{{user id}}, and on posts and comments POST /{{id}}/comments, /{{id}}/replies, /{{id}}/likes, POST and DELETE /{{id}}.")));
        return simulator;
    }

    private static async Task<IResult> SendAsync(string id, HttpRequest request, SimulatorState state, GraphSends sends, CancellationToken ct)
    {
        var (raw, json) = await ReadAsync(request, ct);
        var (network, answer) = await sends.SendAsync(id, Token(request, queryAllowed: true), json, ct);
        return Reply(state, request, network, raw, answer);
    }

    /// <summary>GET /{id}: a post of the page or account (<see cref="GraphPublicApi.PostAsync"/>), a Messenger customer's profile (first_name, last_name, profile_pic), an Instagram one's (name, username, profile_pic), or the page.</summary>
    private static async Task<IResult> ObjectAsync(
        string id, HttpRequest request, SimulatorState state, SimulatorConnections connections, ConnectionDirectory directory, SimulatedPosts posts, CancellationToken ct)
    {
        if (await GraphPublicApi.PostAsync(id, request, state, posts, connections, ct) is { } post)
        {
            return post;
        }

        var token = Token(request, queryAllowed: true);
        var customer = state.Find(ChannelKind.Messenger, id) ?? state.Find(ChannelKind.Instagram, id);
        if (customer is null)
        {
            foreach (var network in MetaNetworks)
            {
                if (await directory.FindAsync(network, id, ct) is { } own)
                {
                    return Reply(state, request, network, string.Empty, WebhookSignature.SameToken(own.AccessToken, token)
                        ? new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["name"] = "La Posta", ["id"] = id })
                        : InvalidToken());
                }
            }

            return Reply(state, request, null, string.Empty, ApiAnswer.GraphParameter($"Unsupported get request. Object with ID '{id}' does not exist or cannot be loaded."));
        }

        var connection = await connections.FindAsync(customer.Network, ct);
        if (connection is null || !WebhookSignature.SameToken(connection.AccessToken, token))
        {
            return Reply(state, request, customer.Network, string.Empty, InvalidToken());
        }

        var names = customer.Name.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var known = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["name"] = customer.Name,
            ["first_name"] = names.ElementAtOrDefault(0) ?? customer.Name,
            ["last_name"] = names.ElementAtOrDefault(1) ?? string.Empty,
            ["username"] = WebhookPayloads.ScreenName(customer.Name),
            ["profile_pic"] = $"{request.Scheme}://{request.Host}/simulator/avatars/{SimulatedNetworks.Slug(customer.Network)}/{id}.svg",
        };
        var fields = request.Query["fields"].ToString() is { Length: > 0 } asked ? asked.Split(',', StringSplitOptions.TrimEntries) : ["name", "id"];
        var profile = new JsonObject();
        foreach (var field in fields.Where(known.ContainsKey).Append("id").Distinct())
        {
            profile[field] = known[field]?.DeepClone();
        }

        return Reply(state, request, customer.Network, string.Empty, new ApiAnswer(StatusCodes.Status200OK, profile));
    }

    public static ApiAnswer InvalidToken() =>
        ApiAnswer.Graph(StatusCodes.Status401Unauthorized, 190, "Invalid OAuth access token - Cannot parse access token");

    /// <summary>A customer's picture: their initials on a colour of their own (an SVG with no text but letters).</summary>
    public static IResult Avatar(string network, string file, SimulatorState state)
    {
        var id = file.EndsWith(".svg", StringComparison.Ordinal) ? file[..^4] : file;
        var customer = SimulatedNetworks.FromSlug(network) is { } n ? state.Find(n, id) : null;
        if (customer is null)
        {
            return TypedResults.Problem("The simulator has no such customer.", statusCode: StatusCodes.Status404NotFound);
        }

        var initials = new string([.. customer.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w[0]).Where(char.IsLetter).Take(2)]).ToUpperInvariant();
        var hue = (int)(uint.Parse(id[^Math.Min(6, id.Length)..], CultureInfo.InvariantCulture) % 360);
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">"
            + $"<rect width=\"96\" height=\"96\" rx=\"48\" fill=\"hsl({hue.ToString(CultureInfo.InvariantCulture)},55%,48%)\"/>"
            + $"<text x=\"48\" y=\"60\" font-family=\"sans-serif\" font-size=\"38\" fill=\"#fff\" text-anchor=\"middle\">{System.Net.WebUtility.HtmlEncode(initials)}</text></svg>";
        return Results.Text(svg, "image/svg+xml");
    }
}
