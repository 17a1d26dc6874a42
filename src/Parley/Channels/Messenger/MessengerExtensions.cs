using Parley.Channels.Meta;

namespace Parley.Channels.Messenger;

public static class MessengerExtensions
{
    /// <summary>Facebook Messenger: Page conversations through Meta's Send API and the page's webhook.</summary>
    public static WebApplicationBuilder AddMessenger(this WebApplicationBuilder builder)
    {
        builder.AddMetaGraph();
        builder.Services.AddSingleton<IChannelConnector, MessengerConnector>();
        builder.Services.AddSingleton<IMetaWebhookHandler, MessengerWebhookHandler>();
        return builder;
    }

    /// <summary>GET (verification) and POST (events) /webhooks/messenger.</summary>
    public static IEndpointRouteBuilder MapMessenger(this IEndpointRouteBuilder app) => app.MapMetaWebhook("/webhooks/messenger", ChannelKind.Messenger);
}
