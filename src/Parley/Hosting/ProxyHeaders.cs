using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Parley.Hosting;

/// <summary>
/// Behind a load balancer or a TLS-terminating proxy, the client's address (rate limits) and scheme (secure cookies)
/// come from X-Forwarded-For and X-Forwarded-Proto, but only from the proxies named in configuration
/// (<c>Proxies:KnownProxies:0 = 10.0.0.5</c>, <c>Proxies:KnownNetworks:0 = 10.0.0.0/24</c>): a header from anyone else is
/// ignored, so a client cannot choose its own rate-limit partition.
/// </summary>
public static class ProxyHeaders
{
    public const string Section = "Proxies";

    public static WebApplicationBuilder AddParleyProxies(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = builder.Configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>Applies forwarded headers when proxies are configured; without any, the connection's peer is the client.</summary>
    public static WebApplication UseParleyProxies(this WebApplication app)
    {
        var configured = app.Configuration.GetSection($"{Section}:KnownProxies").Get<string[]>()?.Length > 0
            || app.Configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>()?.Length > 0;
        if (configured)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
