using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Channels;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;

namespace Parley.Simulator;

/// <summary>What Parley's webhook endpoint answered: its status (null when it could not be reached) and body.</summary>
public sealed record WebhookResult(int? Status, string Body)
{
    public bool Accepted => Status is >= 200 and < 300;
}

/// <summary>
/// Posts a webhook to Parley's real endpoint over HTTP, signed as the platform signs it with the connection's app secret:
/// Meta's X-Hub-Signature-256 (hex HMAC-SHA256 of the raw body), X's x-twitter-webhooks-signature (base64). Every post
/// goes to the inspector with Parley's answer.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory http, PlatformApi platform, IOptions<SimulatorOptions> options, SimulatorState state, ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "Parley.Simulator";
    public const string XSignatureHeader = "x-twitter-webhooks-signature";

    /// <summary>The bytes and the signature header the platform would send.</summary>
    public static (byte[] Body, string Header, string Signature) Sign(ChannelKind network, string appSecret, JsonObject payload)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        return network == ChannelKind.X
            ? (body, XSignatureHeader, WebhookSignature.Base64(appSecret, body))
            : (body, MetaWebhooks.SignatureHeader, WebhookSignature.Hex(appSecret, body));
    }

    public async Task<WebhookResult> PostAsync(ChannelKind network, ConnectionCredentials connection, JsonObject payload, string what, CancellationToken ct)
    {
        var (body, header, signature) = Sign(network, connection.AppSecret ?? string.Empty, payload);
        var path = SimulatedNetworks.WebhookPath(network);
        var raw = System.Text.Encoding.UTF8.GetString(body);
        var note = $"{what} · {header}: {signature}";
        try
        {
            var target = (options.Value.ParleyUrl?.ToString().TrimEnd('/') ?? platform.OwnAddress()) + path;
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(header, signature);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var answer = await response.Content.ReadAsStringAsync(ct);
            state.Log("webhook", network, "POST", path, (int)response.StatusCode, raw, answer, note);
            return new WebhookResult((int)response.StatusCode, answer);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "The simulator could not post a {Network} webhook to Parley", network);
            state.Log("webhook", network, "POST", path, null, raw, e.Message, note);
            return new WebhookResult(null, e.Message);
        }
    }
}
