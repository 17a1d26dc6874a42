using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The simulated X API v2 (/simulator/x/2/...) that Parley's X connector calls for the demo's connection: sending a direct
/// message in a one-to-one conversation. The Bearer token must be the connection's user access token; errors are X's
/// problem documents.
/// </summary>
public static class XApi
{
    public const int MaxText = 10_000;

    public static RouteGroupBuilder MapXApi(this RouteGroupBuilder simulator)
    {
        var x = simulator.MapGroup("/x");
        x.MapPost("/2/dm_conversations/with/{participantId}/messages", SendAsync);
        x.MapFallback("/{**rest}", (HttpRequest request, SimulatorState state) => Reply(state, request, ChannelKind.X, string.Empty,
            ApiAnswer.XProblem(StatusCodes.Status404NotFound, "Not Found Error", "The simulator answers POST /2/dm_conversations/with/{participant_id}/messages, POST /2/media/upload (and its chunked commands), POST /2/tweets, DELETE /2/tweets/{id}, PUT /2/tweets/{id}/hidden and POST /2/users/{id}/likes.",
                "https://api.twitter.com/2/problems/resource-not-found")));
        return simulator;
    }

    private static async Task<IResult> SendAsync(
        string participantId, HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedReceipts receipts, SimulatedXMedia uploads,
        CancellationToken ct)
    {
        var (raw, json) = await ReadAsync(request, ct);
        var token = Token(request, queryAllowed: false);
        var connection = (await directory.AllAsync(ChannelKind.X, ct)).FirstOrDefault(c => WebhookSignature.SameToken(c.AccessToken, token));
        if (connection is null)
        {
            return Reply(state, request, ChannelKind.X, raw, ApiAnswer.XProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized"));
        }

        var text = json is { } body ? Text(body, "text") : null;
        var media = json is { } b && Items(b, "attachments") is { } attachments
            ? attachments.EnumerateArray().Select(a => Text(a, "media_id")).OfType<string>().FirstOrDefault()
            : null;
        var problem = !SimulatedNetworks.IsValidCustomerId(participantId) ? "participant_id is a user id (digits)."
            : participantId == connection.ExternalId ? "A direct message goes to another user than the sender."
            : text is null && media is null ? "The request needs text or attachments."
            : text is { Length: 0 or > MaxText } ? $"text has 1 to {MaxText} characters."
            : media is not null && uploads.Find(media) is not { Data: not null } ? $"media_id {media} is not an uploaded file (POST /2/media/upload first)."
            : null;
        if (problem is not null)
        {
            return Reply(state, request, ChannelKind.X, raw, ApiAnswer.XInvalidRequest(problem));
        }

        var customer = Recipient(state, ChannelKind.X, participantId);
        var id = SimulatedNetworks.NewMessageId(ChannelKind.X);
        state.Add(customer, new SimMessage
        {
            Id = id,
            FromCustomer = false,
            At = state.Clock.GetUtcNow(),
            Text = text,
            MediaKind = media is null ? null : "image",
            MediaUrl = media is null ? null : $"/simulator/x/media/{media}",
            Status = SimStatus.Sent,
        });
        receipts.Wake(customer);
        return Reply(state, request, ChannelKind.X, raw, new ApiAnswer(StatusCodes.Status201Created, new JsonObject
        {
            ["data"] = new JsonObject { ["dm_conversation_id"] = ConversationId(connection.ExternalId, participantId), ["dm_event_id"] = id },
        }));
    }

    /// <summary>A one-to-one conversation's id: the two user ids (numbers), the smaller first.</summary>
    public static string ConversationId(string a, string b) =>
        a.Length < b.Length || (a.Length == b.Length && string.CompareOrdinal(a, b) <= 0) ? $"{a}-{b}" : $"{b}-{a}";
}
