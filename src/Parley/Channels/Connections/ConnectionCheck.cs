using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;

namespace Parley.Channels;

/// <summary>The answer to "test the credentials": whether the platform knows the account with this token, in its words.</summary>
public sealed record CheckResult(bool Ok, string Detail);

/// <summary>
/// Tests a connection's credentials with one harmless read on its platform: the page, the Instagram account, the WhatsApp
/// number (Graph API) or the X user the token belongs to.
/// </summary>
public sealed class ConnectionCheck(MetaGraphClient graph, IHttpClientFactory http, PlatformApi api, IOptions<XOptions> x, ConnectionDirectory connections)
{
    public async Task<CheckResult> CheckAsync(long inboxId, CancellationToken ct)
    {
        if (await connections.FindByInboxAsync(inboxId, ct) is not { } connection)
        {
            return new CheckResult(false, "No such connection.");
        }

        if (connection.AccessToken is null)
        {
            return new CheckResult(false, "No access token is stored (or it can no longer be read): enter it again.");
        }

        try
        {
            return connection.Kind == ChannelKind.X ? await CheckXAsync(connection, ct) : await CheckMetaAsync(connection, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new CheckResult(false, $"The platform could not be reached: {e.Message}");
        }
    }

    private async Task<CheckResult> CheckMetaAsync(ConnectionCredentials connection, CancellationToken ct)
    {
        var fields = connection.Kind switch
        {
            ChannelKind.Instagram => "id,username",
            ChannelKind.WhatsApp => "id,display_phone_number,verified_name",
            _ => "id,name",
        };
        var (answer, failure) = await graph.GetAsync(connection, $"{Uri.EscapeDataString(connection.ExternalId)}?fields={fields}", ct);
        if (failure is not null || answer is not { } found)
        {
            return new CheckResult(false, failure?.Error ?? "No answer.");
        }

        var name = connection.Kind switch
        {
            ChannelKind.Instagram => "@" + PlatformText.Of(found, "username"),
            ChannelKind.WhatsApp => $"{PlatformText.Of(found, "verified_name")} ({PlatformText.Of(found, "display_phone_number")})",
            _ => PlatformText.Of(found, "name"),
        };
        return new CheckResult(true, $"Meta knows {connection.Kind} account {connection.ExternalId}: {name}.");
    }

    private async Task<CheckResult> CheckXAsync(ConnectionCredentials connection, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{api.BaseUrl(connection, x.Value.ApiUrl)}/2/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.AccessToken);
        using var response = await http.CreateClient(MetaGraphClient.HttpClientName).SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            return new CheckResult(false, $"X answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        }

        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.TryGetProperty("data", out var d) ? d : default;
        var id = data.ValueKind == JsonValueKind.Object ? PlatformText.Of(data, "id") : null;
        return id == connection.ExternalId
            ? new CheckResult(true, $"X knows the token's user: @{PlatformText.Of(data, "username")} ({id}).")
            : new CheckResult(false, $"The token belongs to X user {id}, not {connection.ExternalId}.");
    }
}
