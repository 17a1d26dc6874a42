using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Parley.Channels.X;

/// <summary>
/// Maps the X API's answer to a DM send into a <see cref="SendResult"/>. X answers errors in two shapes: the v2 problem
/// (<c>{"title", "detail", "type", "status"}</c>) and the older list (<c>{"errors": [{"message", "code"}]}</c>); both are read.
/// </summary>
public static class XSendAnswer
{
    /// <param name="rateLimitReset">The <c>x-rate-limit-reset</c> header: when the limit window ends, in epoch seconds.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> header (seconds or an HTTP date).</param>
    /// <param name="sentId">Reads the sent item's id from the answer: the DM event id unless told (a tweet's id for a public reply).</param>
    public static SendResult Map(
        HttpStatusCode status, string? body, string? rateLimitReset, string? retryAfter, DateTimeOffset now, Func<string?, string?>? sentId = null)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return SendResult.Sent((sentId ?? EventId)(body));
        }

        var reason = $"X answered {code}: {Reason(body) ?? status.ToString()}";
        return code switch
        {
            // The connection's token hit its limit: nothing more goes on it until X's window ends.
            429 => SendResult.Retry(reason, Wait(rateLimitReset, retryAfter, now), connectionPaused: true),

            // The user token expired or was revoked: an admin must connect the account again; until then every send would fail alike.
            401 => SendResult.Retry(reason + " (the account's access token needs renewing)", connectionPaused: true),
            408 => SendResult.Retry(reason),
            >= 500 => SendResult.Retry(reason, Wait(null, retryAfter, now)),

            // 403: the user's DMs are closed to the account, or it is blocked; 400: X refuses this message. Neither changes on a retry.
            _ => SendResult.Fail(reason),
        };
    }

    /// <summary>Maps a response whose body was read, with its rate limit headers.</summary>
    public static SendResult Map(HttpResponseMessage response, string? body, DateTimeOffset now, Func<string?, string?>? sentId = null) =>
        Map(response.StatusCode, body, Header(response, "x-rate-limit-reset"), Header(response, "Retry-After"), now, sentId);

    /// <summary>The sent message's DM event id, from <c>{"data": {"dm_conversation_id", "dm_event_id"}}</c>.</summary>
    public static string? EventId(string? body) => DataId(body, "dm_event_id");

    /// <summary>A posted tweet's id, from <c>{"data": {"id", "text"}}</c>.</summary>
    public static string? TweetId(string? body) => DataId(body, "id");

    /// <summary>An uploaded media's id, from <c>{"data": {"id", "media_key", "expires_after_secs", "processing_info"}}</c>.</summary>
    public static string? MediaId(string? body) => DataId(body, "id");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string? DataId(string? body, string property)
    {
        using var document = TryParse(body);
        return document is not null && document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty(property, out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }

    /// <summary>X's words for an error: the problem's detail (or title), else the errors' messages.</summary>
    public static string? Reason(string? body)
    {
        using var document = TryParse(body);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var root = document.RootElement;
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            var messages = errors.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.Object ? Webhooks.PlatformText.Of(e, "message") ?? Webhooks.PlatformText.Of(e, "detail") : null)
                .OfType<string>().Where(m => m.Length > 0).ToList();
            if (messages.Count > 0)
            {
                return Limit(string.Join(" ", messages));
            }
        }

        var text = Webhooks.PlatformText.Of(root, "detail") is { Length: > 0 } detail ? detail : Webhooks.PlatformText.Of(root, "title");
        return string.IsNullOrEmpty(text) ? null : Limit(text);
    }

    /// <summary>How long to wait: until x-rate-limit-reset, else Retry-After, else null (the dispatcher's backoff).</summary>
    public static TimeSpan? Wait(string? rateLimitReset, string? retryAfter, DateTimeOffset now)
    {
        if (long.TryParse(rateLimitReset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch < 100_000_000_000)
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(epoch) - now;
            return until > TimeSpan.FromSeconds(1) ? until : TimeSpan.FromSeconds(1);
        }

        if (int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(1, seconds));
        }

        if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var until = date - now;
            return until > TimeSpan.FromSeconds(1) ? until : TimeSpan.FromSeconds(1);
        }

        return null;
    }

    private static string Limit(string text) => text.Length <= 500 ? text : text[..500];

    private static JsonDocument? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
