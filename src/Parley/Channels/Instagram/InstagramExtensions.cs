using Parley.Channels.Meta;

namespace Parley.Channels.Instagram;

public static class InstagramExtensions
{
    /// <summary>Instagram Direct: a professional account's conversations through the Messenger Platform's Send API and webhook.</summary>
    public static WebApplicationBuilder AddInstagram(this WebApplicationBuilder builder)
    {
        builder.AddMetaGraph();
        builder.Services.AddSingleton<IChannelConnector, InstagramConnector>();
        builder.Services.AddSingleton<InstagramMentions>();
        builder.Services.AddSingleton<IMetaWebhookHandler, InstagramWebhookHandler>();
        return builder;
    }

    /// <summary>GET (verification) and POST (events) /webhooks/instagram.</summary>
    public static IEndpointRouteBuilder MapInstagram(this IEndpointRouteBuilder app) => app.MapMetaWebhook("/webhooks/instagram", ChannelKind.Instagram);
}
