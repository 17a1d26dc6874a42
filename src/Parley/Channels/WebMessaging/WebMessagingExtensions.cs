namespace Parley.Channels.WebMessaging;

public static class WebMessagingExtensions
{
    /// <summary>The website channel: its connector, inboxes, widget sessions and their tokens.</summary>
    public static WebApplicationBuilder AddWebMessaging(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WidgetSessionOptions>().BindConfiguration(WidgetSessionOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.RefreshLifetime >= o.TokenLifetime,
                "WebMessaging:Sessions: TokenLifetime must be positive and RefreshLifetime at least as long.")
            .ValidateOnStart();
        services.AddSingleton<IChannelConnector, WebMessagingConnector>();
        services.AddSingleton<WidgetInboxes>();
        services.AddSingleton<WidgetKeyRing>();
        services.AddSingleton<WidgetRevocations>();
        services.AddSingleton<WidgetSessions>();
        services.AddSingleton<WidgetCallLimiter>();
        return builder;
    }
}
