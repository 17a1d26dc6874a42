using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Parley.Channels.WhatsApp;

/// <summary>
/// Calls a business phone number's Messages API (<c>POST {graph}/{phone-number-id}/messages</c> with the connection's
/// system user token). One call per message: the dispatcher retries, so no retry handler sits on this client.
/// </summary>
public sealed class WhatsAppClient(IHttpClientFactory http, PlatformApi api, IOptions<MetaOptions> meta, TimeProvider clock)
{
    public const string HttpClientName = "Parley.WhatsApp";

    public async Task<SendResult> SendAsync(ConnectionCredentials connection, JsonObject body, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(connection.AccessToken))
        {
            return SendResult.Retry("The WhatsApp connection has no access token that can be read: an admin must enter it again.", connectionPaused: true);
        }

        var url = $"{api.BaseUrl(connection, meta.Value.GraphApiUrl)}/{Uri.EscapeDataString(connection.ExternalId)}/messages";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", connection.AccessToken);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        return WhatsAppErrors.FromResponse((int)response.StatusCode, answer, RetryAfter(response));
    }

    /// <summary>Shows the customer their message was read (blue ticks).</summary>
    public Task<SendResult> MarkReadAsync(ConnectionCredentials connection, string wamid, CancellationToken ct) =>
        SendAsync(connection, WhatsAppMessages.MarkRead(wamid), ct);

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > clock.GetUtcNow() ? date - clock.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };
}
