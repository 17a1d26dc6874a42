using System.Text.Json;
using Parley.Channels.Webhooks;

namespace Parley.Channels.WhatsApp;

/// <summary>
/// Maps the Cloud API's answers to what the dispatcher does: sent (with the wamid), retry (the whole number paused when
/// it is throttled, or only this conversation), or failed with Meta's reason for the advisor. Meta asks to act on the
/// error's <c>code</c> and read its <c>error_data.details</c>, not on the HTTP status.
/// </summary>
public static class WhatsAppErrors
{
    /// <summary>The number's throughput (130429), the app's or the account's call limits (4, 80007).</summary>
    private static readonly HashSet<int> Throttled = [4, 80007, 130429];

    /// <summary>Meta's side is down or timed out: the same call may succeed later.</summary>
    private static readonly HashSet<int> Transient = [1, 2, 131000, 131016];

    public const int PairRateLimit = 131056;
    public const int TokenInvalid = 190;

    public static SendResult FromResponse(int status, string body, TimeSpan? retryAfter)
    {
        JsonElement root = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): only the status tells.
        }

        if (status is >= 200 and < 300)
        {
            // Accepted: a message has its wamid (receipts find it by it); a read mark answers {"success": true}.
            return SendResult.Sent(MessageId(root));
        }

        var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        int? code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
        var details = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error_data", out var data) ? PlatformText.Of(data, "details") : null;
        var reason = code is null
            ? $"HTTP {status}" + (PlatformText.Of(error, "message") is { Length: > 0 } m ? $": {m}" : string.Empty)
            : Describe(code, PlatformText.Of(error, "message"), details);

        return code switch
        {
            PairRateLimit => SendResult.Retry(reason, retryAfter),
            TokenInvalid => SendResult.Retry(reason + " The connection's access token must be renewed.", retryAfter, connectionPaused: true),
            { } k when Throttled.Contains(k) => SendResult.Retry(reason, retryAfter, connectionPaused: true),
            { } k when Transient.Contains(k) => SendResult.Retry(reason, retryAfter),
            _ when status == 429 => SendResult.Retry(reason, retryAfter, connectionPaused: true),
            _ when status >= 500 || status == 408 => SendResult.Retry(reason, retryAfter),
            null when status is 401 or 403 => SendResult.Retry(reason, retryAfter, connectionPaused: true),
            _ => SendResult.Fail(reason),
        };
    }

    /// <summary>An error as the advisor reads it: "131047: Re-engagement message (Message failed to send because...)".</summary>
    public static string Describe(int? code, string? title, string? details)
    {
        var text = string.IsNullOrWhiteSpace(title) ? "WhatsApp error" : title.Trim();
        if (code is not null)
        {
            text = $"{code}: {text}";
        }

        return string.IsNullOrWhiteSpace(details) || string.Equals(details.Trim(), title?.Trim(), StringComparison.Ordinal)
            ? text
            : $"{text} ({details.Trim()})";
    }

    private static string? MessageId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array
            && messages.GetArrayLength() > 0 && PlatformText.Of(messages[0], "id") is { Length: > 0 } id
            ? id
            : null;
}
