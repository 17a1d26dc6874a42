using Parley.Bots.Api;
using Parley.Bots.Flows;

namespace Parley.Bots;

public static class BotsExtensions
{
    /// <summary>
    /// The engine's bot (published flows, an external bot, or the built-in topic bot where an inbox has neither), flow
    /// templates, the business API step, and what reads customers' messages.
    /// </summary>
    public static WebApplicationBuilder AddBots(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddBotApi();
        services.AddSingleton<FlowRunner>();
        services.AddSingleton<FlowValidator>();
        services.AddSingleton<FlowCatalog>();
        services.AddSingleton<FlowApiCalls>();
        services.AddSingleton<FlowBot>();
        services.AddSingleton<Conversations.IMessageTone, Understanding.MessageToneReader>();
        services.AddSingleton<FlowManagement>();
        services.AddSingleton<FlowPreview>();
        services.AddSingleton<FlowHandBack>();
        services.AddSingleton<External.ExternalBots>();
        services.AddSingleton<External.ExternalBotSignal>();
        services.AddOptions<External.ExternalBotOptions>().BindConfiguration(External.ExternalBotOptions.Section);
        services.AddHttpClient(External.ExternalBotDispatcher.HttpClientName);
        services.AddHostedService<External.ExternalBotDispatcher>();
        services.AddSingleton<Conversations.IConversationBot>(sp => sp.GetRequiredService<FlowBot>());
        services.AddSingleton<Conversations.IPublicBot, Public.PublicBot>();
        services.AddSingleton<Public.PublicBotManagement>();
        return builder;
    }
}
