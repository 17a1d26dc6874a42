using System.Text;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Webhooks;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels;

/// <summary>Connections of the demo account for channel tests, and webhooks posted to Parley as the platforms sign them.</summary>
public static class TestConnections
{
    public const string AppSecret = "test-app-secret";
    public const string AccessToken = "test-access-token";
    public const string VerifyToken = "test-verify-token";

    public static async Task<ConnectionCredentials> AddAsync(
        ParleyApplication app, ChannelKind kind, string externalId, double? ratePerSecond = null, ConnectionSettings? settings = null,
        string appSecret = AppSecret, string accessToken = AccessToken, string verifyToken = VerifyToken)
    {
        var accountId = await app.DbAsync(db => db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync());
        var created = await app.Service<ConnectionAdmin>().CreateAsync(
            new ConnectionDraft(kind, accountId, $"{kind} {externalId}", externalId, accessToken, appSecret, verifyToken, ratePerSecond, true, settings),
            declared: false, CancellationToken.None);
        return (await app.Service<ConnectionDirectory>().FindByInboxAsync(created.InboxId, CancellationToken.None))!;
    }

    /// <summary>POSTs a body signed as Meta signs it (X-Hub-Signature-256, hex) or, with <paramref name="x"/>, as X does (base64).</summary>
    public static Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string path, string body, string secret = AppSecret, bool x = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(x ? "x-twitter-webhooks-signature" : "X-Hub-Signature-256", x ? WebhookSignature.Base64(secret, bytes) : WebhookSignature.Hex(secret, bytes));
        return client.SendAsync(request);
    }
}
