using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Channels.Meta;

public static class MetaGraphExtensions
{
    /// <summary>The Graph API client and the profile reader, once for every Meta channel that asks.</summary>
    public static WebApplicationBuilder AddMetaGraph(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient(MetaGraphClient.HttpClientName);
        services.TryAddSingleton<MetaGraphClient>();
        if (!services.Any(d => d.ServiceType == typeof(MetaProfiles)))
        {
            services.AddSingleton<MetaProfiles>();
            services.AddHostedService(sp => sp.GetRequiredService<MetaProfiles>());
        }

        return builder;
    }
}
