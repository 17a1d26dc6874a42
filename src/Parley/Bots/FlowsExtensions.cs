using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Bots.Flows;
using Parley.Bots.Templates;

namespace Parley.Bots;

public static class FlowsExtensions
{
    /// <summary>The engine's bot: published flows, or the built-in topic bot where an inbox has none.</summary>
    public static WebApplicationBuilder AddBotFlows(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<FlowTemplates>();
        services.AddSingleton<FlowRunner>();
        services.AddSingleton<FlowValidator>();
        services.AddSingleton<FlowCatalog>();
        services.AddSingleton<FlowApiCalls>();
        services.AddSingleton<FlowBot>();
        services.AddSingleton<Conversations.IMessageTone, Understanding.MessageToneReader>();
        services.AddSingleton<FlowManagement>();
        services.AddSingleton<FlowPreview>();
        services.AddSingleton<External.ExternalBots>();
        services.AddSingleton<External.ExternalBotSignal>();
        services.AddOptions<External.ExternalBotOptions>().BindConfiguration(External.ExternalBotOptions.Section);
        services.AddHttpClient(External.ExternalBotDispatcher.HttpClientName);
        services.AddHostedService<External.ExternalBotDispatcher>();
        services.AddSingleton<Conversations.IConversationBot>(sp => sp.GetRequiredService<FlowBot>());
        return builder;
    }
}
