using System.Net;
using System.Net.Http.Json;
using Parley.Channels.WebMessaging;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Hosting;

/// <summary>Rate limits partition by the client's address: the forwarded one only behind a configured proxy.</summary>
public sealed class ProxyHeadersTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Forwarded_addresses_count_only_from_known_proxies(bool proxyKnown)
    {
        var settings = new Dictionary<string, string?> { ["RateLimits:WidgetSessions:PermitLimit"] = "2" };
        if (proxyKnown)
        {
            settings["Proxies:KnownProxies:0"] = "127.0.0.1";
        }

        await using var app = new ParleyApplication { Settings = settings };
        app.StartKestrel();
        using var http = new HttpClient { BaseAddress = app.KestrelAddress };

        Task<HttpResponseMessage> SessionFrom(string client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{WidgetClient.Base}/sessions")
            {
                Content = JsonContent.Create(new SessionRequest("demo-website", null, null, null, null, null)),
            };
            request.Headers.Add("X-Forwarded-For", client);
            return http.SendAsync(request);
        }

        await Expect.StatusAsync(await SessionFrom("203.0.113.1"), HttpStatusCode.OK);
        await Expect.StatusAsync(await SessionFrom("203.0.113.1"), HttpStatusCode.OK);
        await Expect.ProblemAsync(await SessionFrom("203.0.113.1"), HttpStatusCode.TooManyRequests);

        // Another customer behind the same proxy has its own allowance; without a known proxy the header is the
        // caller's word, ignored, and every request counts against the connection's address.
        var other = await SessionFrom("203.0.113.2");
        await Expect.StatusAsync(other, proxyKnown ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests);
    }
}
