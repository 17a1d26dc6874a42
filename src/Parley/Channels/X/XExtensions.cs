using Parley.Channels.Webhooks;

namespace Parley.Channels.X;

public static class XExtensions
{
    /// <summary>X direct messages and public tweets (mentions, replies): the connector, the Account Activity events Parley handles, and the API client.</summary>
    public static WebApplicationBuilder AddX(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(XConnector.HttpClientName, client => client.MaxResponseContentBufferSize = 1024 * 1024);
        services.AddSingleton<XMediaUpload>();
        services.AddSingleton<IChannelConnector, XConnector>();
        services.AddSingleton<XPublicApi>();
        services.AddSingleton<IPublicPlatform>(sp => sp.GetRequiredService<XPublicApi>());
        services.AddSingleton<XAppSecrets>();
        services.AddSingleton<XBrandEchoes>();
        services.AddSingleton<IXAccountEvents, XDirectMessageEvents>();
        services.AddSingleton<IXAccountEvents, XReadEvents>();
        services.AddSingleton<IXAccountEvents, XTweetEvents>();
        services.AddSingleton<IXAccountEvents, XTweetDeleteEvents>();
        services.AddSingleton<IWebhookConsumer, XWebhookConsumer>();
        return builder;
    }

    /// <summary>The webhook URL to register at X: https://{host}/webhooks/x.</summary>
    public static IEndpointRouteBuilder MapX(this IEndpointRouteBuilder app)
    {
        const string path = "/webhooks/x";
        app.MapGet(path, (HttpRequest request, XAppSecrets secrets, ILoggerFactory logs, CancellationToken ct) =>
                XWebhooks.CrcAsync(request, secrets, logs.CreateLogger("Parley.Channels.X.Webhooks"), ct))
            .ExcludeFromDescription();
        app.MapPost(path, (HttpRequest request, XAppSecrets secrets, ConnectionDirectory connections, IEnumerable<IXAccountEvents> kinds,
                    WebhookJournal journal, CancellationToken ct) =>
                XWebhooks.ReceiveAsync(request, secrets, connections, kinds, journal, ct))
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }
}
