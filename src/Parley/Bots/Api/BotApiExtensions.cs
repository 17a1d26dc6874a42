using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Bots.Templates;

namespace Parley.Bots.Api;

public static class BotApiExtensions
{
    /// <summary>Templates, the API step's caller and its HttpClient, and the protection of its secrets.</summary>
    public static IServiceCollection AddBotApi(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BotApiOptions>().BindConfiguration(BotApiOptions.Section);
        services.AddDataProtection();
        services.TryAddSingleton<FlowTemplates>();
        services.TryAddSingleton<ApiCaller>();
        services.TryAddSingleton<BotSecrets>();

        // Timeouts and retries are the step's own (ApiCaller): the client adds none. Redirects are not followed, so the
        // step calls only the address its flow shows; no cookies carry over from one customer's call to another's.
        // Which addresses it may reach is decided after DNS (ApiNetworkGuard). No proxy: it would connect for us.
        services.AddHttpClient(ApiCaller.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var blockPrivate = services.GetRequiredService<IOptions<BotApiOptions>>().Value.BlockPrivateNetworks;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectCallback = (context, cancellationToken) => ApiNetworkGuard.ConnectAsync(context, blockPrivate, cancellationToken),
                };
            })
            // ApiCaller logs each attempt itself, without headers or query string; HttpClient's own lines would add the
            // full URL, and a channel manager may have written an API key into it.
            .RemoveAllLoggers();
        return services;
    }
}
