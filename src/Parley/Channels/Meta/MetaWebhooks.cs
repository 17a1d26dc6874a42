using System.Text.Json;
using Parley.Channels.Webhooks;

namespace Parley.Channels.Meta;

/// <summary>One Meta product's webhook events (Messenger, Instagram, WhatsApp): which connections an entry concerns, and what to do with it.</summary>
public interface IMetaWebhookHandler
{
    ChannelKind Kind { get; }

    /// <summary>The payload's <c>object</c>: page, instagram, whatsapp_business_account.</summary>
    string ObjectName { get; }

    /// <summary>The platform ids of the connections an entry is for (a page id; WhatsApp's phone number ids).</summary>
    IEnumerable<string> ConnectionIds(JsonElement entry);

    /// <summary>
    /// Reads the entry's events without storing anything, when the webhook is received; returns the keys whose events
    /// must be stored in order (a customer of a connection).
    /// </summary>
    /// <exception cref="MetaPayloadException">The entry is not in the platform's format: the webhook is refused.</exception>
    IEnumerable<string> Read(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections);

    /// <summary>
    /// Stores the entry's events, for its connections that passed the signature check: each customer's in
    /// <paramref name="lines"/> under its order key (one of <see cref="Read"/>'s), so that the webhook's customers are
    /// stored together. They are stored durably once the lines are drained.
    /// </summary>
    /// <exception cref="MetaPayloadException">The entry is not in the platform's format.</exception>
    Task HandleAsync(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections, CustomerLines lines, CancellationToken ct);
}

/// <summary>An event that is not in the platform's documented format: the webhook answers 400.</summary>
public sealed class MetaPayloadException(string message) : Exception(message);

/// <summary>
/// Meta's webhooks, shared by Messenger, Instagram and WhatsApp: the verification handshake (GET with hub.mode,
/// hub.verify_token and hub.challenge), and signed POSTs (X-Hub-Signature-256 over the raw body with the app secret),
/// which may batch several entries. Every event is read when the POST comes; it is answered 200 once it is stored in the
/// <see cref="WebhookJournal"/>, its events stored from there (<see cref="MetaWebhookConsumer"/>). Refused with a 4xx that
/// stores nothing when the signature, the JSON, an event or the page is wrong.
/// </summary>
public static class MetaWebhooks
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public static IEndpointRouteBuilder MapMetaWebhook(this IEndpointRouteBuilder app, string path, ChannelKind kind)
    {
        app.MapGet(path, (HttpRequest request, ConnectionDirectory connections, CancellationToken ct) => VerifyAsync(kind, request, connections, ct))
            .ExcludeFromDescription();
        app.MapPost(path, (HttpRequest request, IEnumerable<IMetaWebhookHandler> handlers, ConnectionDirectory connections, WebhookJournal journal, ILoggerFactory logs, CancellationToken ct) =>
                ReceiveAsync(handlers.Last(h => h.Kind == kind), request, connections, journal, logs.CreateLogger("Parley.Channels.Meta.Webhooks"), ct))
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Meta checks the endpoint with the verify token an admin pasted; any enabled connection of the product may own it.</summary>
    public static async Task<IResult> VerifyAsync(ChannelKind kind, HttpRequest request, ConnectionDirectory connections, CancellationToken ct)
    {
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        if (mode != "subscribe" || challenge.Length is 0 or > 200 || !challenge.All(char.IsAsciiLetterOrDigit))
        {
            return TypedResults.Problem("Expected hub.mode=subscribe, a hub.verify_token and a hub.challenge (letters and digits).",
                statusCode: StatusCodes.Status400BadRequest, title: "Not a verification request");
        }

        var matched = false;
        foreach (var connection in await connections.AllAsync(kind, ct))
        {
            // Every one is compared, so the time taken does not tell which one matched.
            matched |= WebhookSignature.SameToken(connection.VerifyToken, token);
        }

        return matched
            ? TypedResults.Text(challenge, "text/plain")
            : TypedResults.Problem("hub.verify_token is not the verify token of any connection.", statusCode: StatusCodes.Status403Forbidden, title: "Wrong verify token");
    }

    public static async Task<IResult> ReceiveAsync(
        IMetaWebhookHandler handler, HttpRequest request, ConnectionDirectory connections, WebhookJournal journal, ILogger logger, CancellationToken ct)
    {
        var body = await WebhookBody.ReadAsync(request, ct);
        if (body is null)
        {
            return WebhookBody.TooLarge();
        }

        var signature = request.Headers[SignatureHeader].ToString();
        if (signature.Length == 0)
        {
            return WebhookBody.BadSignature(SignatureHeader);
        }

        var (document, problem) = WebhookBody.Parse(body);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || PlatformText.Of(root, "object") != handler.ObjectName
                || !root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                return WebhookBody.Malformed($"Expected {{\"object\": \"{handler.ObjectName}\", \"entry\": [...]}}.");
            }

            // The connections the entries are for; the signature must be that of one of their app secrets.
            var found = new Dictionary<string, ConnectionCredentials>(StringComparer.Ordinal);
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    return WebhookBody.Malformed("Each entry is an object.");
                }

                foreach (var id in handler.ConnectionIds(entry))
                {
                    if (!found.ContainsKey(id) && await connections.FindAsync(handler.Kind, id, ct) is { Enabled: true } connection)
                    {
                        found[id] = connection;
                    }
                }
            }

            if (found.Count == 0)
            {
                return WebhookBody.UnknownAccount(handler.Kind == ChannelKind.WhatsApp ? "phone number" : "account");
            }

            var secret = found.Values.Select(c => c.AppSecret).OfType<string>().Distinct()
                .FirstOrDefault(s => WebhookSignature.IsValidHex(s, body, signature));
            if (secret is null)
            {
                return WebhookBody.BadSignature(SignatureHeader);
            }

            var signed = found.Where(f => f.Value.AppSecret == secret).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
            List<string> keys;
            try
            {
                keys = [.. entries.EnumerateArray().SelectMany(entry => handler.Read(entry, signed))];
            }
            catch (MetaPayloadException e)
            {
                return WebhookBody.Malformed(e.Message);
            }

            if (signed.Count < found.Count)
            {
                logger.LogWarning("A {Kind} webhook named connections of another app; their entries were ignored", handler.Kind);
            }

            await journal.AppendAsync(new ReceivedWebhook(handler.Kind, [.. signed.Keys], keys, body), ct);
        }

        return TypedResults.Text("EVENT_RECEIVED", "text/plain");
    }
}

/// <summary>Stores the events of journaled Messenger, Instagram and WhatsApp webhooks, read and signed when they came.</summary>
public sealed class MetaWebhookConsumer(IEnumerable<IMetaWebhookHandler> handlers, ConnectionDirectory connections) : IWebhookConsumer
{
    public bool Consumes(ChannelKind kind) => handlers.Any(h => h.Kind == kind);

    public async Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct)
    {
        var handler = handlers.Last(h => h.Kind == webhook.Kind);
        var signed = new Dictionary<string, ConnectionCredentials>(StringComparer.Ordinal);
        foreach (var id in webhook.Accounts)
        {
            // A connection disabled since the webhook came gets none of its events.
            if (await connections.FindAsync(webhook.Kind, id, ct) is { Enabled: true } connection)
            {
                signed[id] = connection;
            }
        }

        var lines = new CustomerLines();
        try
        {
            using var document = JsonDocument.Parse(webhook.Body, new JsonDocumentOptions { MaxDepth = 32 });
            try
            {
                foreach (var entry in document.RootElement.GetProperty("entry").EnumerateArray())
                {
                    await handler.HandleAsync(entry, signed, lines, ct);
                }

                await lines.DrainAsync();
            }
            finally
            {
                // When an entry failed: the lines started before it stop before the document goes.
                await lines.SettleAsync();
            }
        }
        catch (Exception e) when (e is MetaPayloadException or JsonException or KeyNotFoundException)
        {
            throw new WebhookRejectedException($"The {webhook.Kind} webhook was read when it came, but not now: {e.Message}", e);
        }
    }
}
