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

    /// <summary>Stores the entry's events durably (returns once they are), for its connections that passed the signature check.</summary>
    /// <exception cref="MetaPayloadException">The entry is not in the platform's format.</exception>
    Task HandleAsync(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections, CancellationToken ct);
}

/// <summary>An event that is not in the platform's documented format: the webhook answers 400.</summary>
public sealed class MetaPayloadException(string message) : Exception(message);

/// <summary>
/// Meta's webhooks, shared by Messenger, Instagram and WhatsApp: the verification handshake (GET with hub.mode,
/// hub.verify_token and hub.challenge), and signed POSTs (X-Hub-Signature-256 over the raw body with the app secret),
/// which may batch several entries. Answered 200 only once every event is stored; refused with a 4xx that stores nothing
/// when the signature, the JSON or the page is wrong.
/// </summary>
public static class MetaWebhooks
{
    public const string SignatureHeader = "X-Hub-Signature-256";

    public static IEndpointRouteBuilder MapMetaWebhook(this IEndpointRouteBuilder app, string path, ChannelKind kind)
    {
        app.MapGet(path, (HttpRequest request, ConnectionDirectory connections, CancellationToken ct) => VerifyAsync(kind, request, connections, ct))
            .ExcludeFromDescription();
        app.MapPost(path, (HttpRequest request, IEnumerable<IMetaWebhookHandler> handlers, ConnectionDirectory connections, ILoggerFactory logs, CancellationToken ct) =>
                ReceiveAsync(handlers.Last(h => h.Kind == kind), request, connections, logs.CreateLogger("Parley.Channels.Meta.Webhooks"), ct))
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

    public static async Task<IResult> ReceiveAsync(IMetaWebhookHandler handler, HttpRequest request, ConnectionDirectory connections, ILogger logger, CancellationToken ct)
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
            try
            {
                foreach (var entry in entries.EnumerateArray())
                {
                    await handler.HandleAsync(entry, signed, ct);
                }
            }
            catch (MetaPayloadException e)
            {
                // Events before it are stored; a retry of the whole POST finds them and stores each once.
                return WebhookBody.Malformed(e.Message);
            }

            if (signed.Count < found.Count)
            {
                logger.LogWarning("A {Kind} webhook named connections of another app; their entries were ignored", handler.Kind);
            }
        }

        return TypedResults.Text("EVENT_RECEIVED", "text/plain");
    }
}
