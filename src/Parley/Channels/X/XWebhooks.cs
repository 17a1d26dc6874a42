using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Parley.Channels.Webhooks;

namespace Parley.Channels.X;

/// <summary>
/// X's Account Activity webhook. GET answers the challenge-response check (CRC) with the consumer secret; POSTs carry
/// an account's events, signed with the same secret (x-twitter-webhooks-signature), and are checked before anything in
/// them is read. Every event is read when the POST comes; it is answered 200 once it is stored in the
/// <see cref="WebhookJournal"/>, its events stored from there (<see cref="XWebhookConsumer"/>). Refused with a 4xx that
/// stores nothing when the signature, the JSON, an event or the account is wrong.
/// </summary>
public static class XWebhooks
{
    public const string SignatureHeader = "x-twitter-webhooks-signature";
    public const int MaxCrcTokenLength = 256;

    /// <summary>
    /// X's CRC names no account: it proves the endpoint knows the app's consumer secret. The X connections are of one app, so
    /// they share it; should they not, the oldest connection's secret answers and the others' webhooks cannot be registered.
    /// </summary>
    public static async Task<IResult> CrcAsync(HttpRequest request, XAppSecrets secrets, ILogger logger, CancellationToken ct)
    {
        var token = request.Query["crc_token"].ToString();
        if (token.Length is 0 or > MaxCrcTokenLength)
        {
            return TypedResults.Problem($"Expected a crc_token of 1 to {MaxCrcTokenLength} characters.", statusCode: StatusCodes.Status400BadRequest, title: "Not a CRC request");
        }

        var all = await secrets.AllAsync(ct);
        if (all.Count == 0)
        {
            return WebhookBody.UnknownAccount("X account");
        }

        if (all.Count > 1)
        {
            logger.LogWarning("The enabled X connections have {Count} different consumer secrets; the CRC is answered with the first one's", all.Count);
        }

        return TypedResults.Json(new CrcResponse(WebhookSignature.Base64(all[0], Encoding.UTF8.GetBytes(token))));
    }

    public static async Task<IResult> ReceiveAsync(
        HttpRequest request, XAppSecrets secrets, ConnectionDirectory connections, IEnumerable<IXAccountEvents> kinds, WebhookJournal journal, CancellationToken ct)
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

        var all = await secrets.AllAsync(ct);
        if (all.Count == 0)
        {
            return WebhookBody.UnknownAccount("X account");
        }

        var secret = all.FirstOrDefault(s => WebhookSignature.IsValidBase64(s, body, signature));
        if (secret is null)
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
            if (root.ValueKind != JsonValueKind.Object || PlatformText.Of(root, "for_user_id") is not { Length: > 0 } forUser)
            {
                return WebhookBody.Malformed("Expected {\"for_user_id\": \"...\", ...events}.");
            }

            // The signature must be the secret of the account the events are for, not of another app's.
            if (await connections.FindAsync(ChannelKind.X, forUser, ct) is not { Enabled: true } connection || connection.AppSecret != secret)
            {
                return WebhookBody.UnknownAccount("X account");
            }

            List<string> keys;
            try
            {
                keys = [.. Events(root, kinds).SelectMany(e => e.Kind.Read(e.Events, connection))];
            }
            catch (XPayloadException e)
            {
                return WebhookBody.Malformed(e.Message);
            }

            await journal.AppendAsync(new ReceivedWebhook(ChannelKind.X, [forUser], keys, body), ct);
        }

        return TypedResults.Ok();
    }

    /// <summary>The payload's event arrays that Parley handles, each with its kind.</summary>
    internal static IEnumerable<(IXAccountEvents Kind, JsonElement Events)> Events(JsonElement root, IEnumerable<IXAccountEvents> kinds)
    {
        var handlers = kinds.ToDictionary(k => k.Property, StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            // Typing indicators, likes, follows...: not conversations.
            if (handlers.TryGetValue(property.Name, out var handler))
            {
                yield return (handler, property.Value);
            }
        }
    }

    public sealed record CrcResponse([property: System.Text.Json.Serialization.JsonPropertyName("response_token")] string ResponseToken);
}

/// <summary>
/// The consumer secrets of the enabled X connections (oldest first, distinct), cached like the connections. Connections
/// served by this server's own simulator (the demo's) come last: X's CRC is for the real ones.
/// </summary>
public sealed class XAppSecrets(ConnectionDirectory connections, IMemoryCache cache)
{
    public async Task<IReadOnlyList<string>> AllAsync(CancellationToken ct)
    {
        if (cache.TryGetValue("x-app-secrets", out IReadOnlyList<string>? known) && known is not null)
        {
            return known;
        }

        var all = (await connections.AllAsync(ChannelKind.X, ct))
            .OrderBy(c => c.Settings.ApiUrl is { } url && !Uri.IsWellFormedUriString(url, UriKind.Absolute))
            .ThenBy(c => c.ConnectionId)
            .Select(c => c.AppSecret)
            .OfType<string>()
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        cache.Set("x-app-secrets", (IReadOnlyList<string>)all, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = InboxDirectory.Lifetime });
        return all;
    }
}

/// <summary>Stores the events of journaled X Account Activity webhooks, read and signed when they came.</summary>
public sealed class XWebhookConsumer(ConnectionDirectory connections, InboxDirectory inboxes, IEnumerable<IXAccountEvents> kinds, ILogger<XWebhookConsumer> logger)
    : IWebhookConsumer
{
    public bool Consumes(ChannelKind kind) => kind == ChannelKind.X;

    public async Task ProcessAsync(JournaledWebhook webhook, CancellationToken ct)
    {
        if (webhook.Accounts is not [var account] || await connections.FindAsync(ChannelKind.X, account, ct) is not { Enabled: true } connection)
        {
            logger.LogWarning("An X webhook for an account disabled since it came was dropped");
            return;
        }

        var inbox = await inboxes.FindAsync(connection.InboxId, ct)
            ?? throw new InvalidOperationException($"Inbox {connection.InboxId} of X connection {connection.ConnectionId} is missing.");
        try
        {
            using var document = JsonDocument.Parse(webhook.Body, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            var context = new XWebhookContext(connection, inbox, root.TryGetProperty("users", out var users) ? users : default);
            foreach (var (kind, events) in XWebhooks.Events(root, kinds))
            {
                await kind.HandleAsync(events, context, ct);
            }
        }
        catch (Exception e) when (e is XPayloadException or JsonException)
        {
            throw new WebhookRejectedException($"The X webhook was read when it came, but not now: {e.Message}", e);
        }
    }
}
