using Parley.Channels.Meta;

namespace Parley.Channels.WhatsApp;

public static class WhatsAppExtensions
{
    /// <summary>The WhatsApp channel (Cloud API): its connector, its Graph API client and its webhook events.</summary>
    public static WebApplicationBuilder AddWhatsApp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(WhatsAppClient.HttpClientName, client => client.MaxResponseContentBufferSize = 1024 * 1024);
        services.AddSingleton<WhatsAppClient>();
        services.AddSingleton<IChannelConnector, WhatsAppConnector>();
        services.AddSingleton<IMetaWebhookHandler, WhatsAppWebhookHandler>();
        return builder;
    }

    /// <summary>Meta's webhook for WhatsApp: verification (GET) and signed events (POST) at /webhooks/whatsapp.</summary>
    public static IEndpointRouteBuilder MapWhatsApp(this IEndpointRouteBuilder app) =>
        app.MapMetaWebhook("/webhooks/whatsapp", ChannelKind.WhatsApp);
}
