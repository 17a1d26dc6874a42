namespace Parley.Channels.Meta;

public static class MetaGraphExtensions
{
    /// <summary>The profile reader, once for every Meta channel that asks (the Graph API client is shared: AddParleyChannels).</summary>
    public static WebApplicationBuilder AddMetaGraph(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(MetaProfiles)))
        {
            services.AddSingleton<MetaProfiles>();
            services.AddHostedService(sp => sp.GetRequiredService<MetaProfiles>());
        }

        return builder;
    }
}
