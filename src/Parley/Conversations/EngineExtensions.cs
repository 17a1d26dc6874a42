using Parley.Channels;
using Parley.Contacts;
using Parley.Data;
using Parley.Routing;

namespace Parley.Conversations;

public static class EngineExtensions
{
    /// <summary>The conversation engine and its workers: inbound processing and routing (channels plug in with AddParleyChannels).</summary>
    public static WebApplicationBuilder AddParleyEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        // Bounded: every entry has size 1, so the cache never holds more than this many entries whoever calls.
        services.AddMemoryCache(o => o.SizeLimit = 100_000);
        services.AddSingleton<ConversationEventHub>();
        services.AddSingleton<InboundSignal>();
        services.AddSingleton<BotContinuations>();
        services.AddSingleton<RoutingSignal>();
        services.AddSingleton<PostDetailsSignal>();
        services.AddSingleton<ConversationWriter>();
        services.AddSingleton<PublicThreads>();
        services.AddSingleton<WriteGate>();
        services.AddSingleton<InboundWriter>();
        services.AddSingleton<ConversationEngine>();
        services.AddSingleton<ConversationActions>();
        services.AddSingleton<ContactMerge>();
        services.AddSingleton<IdentityLookups>();
        services.AddSingleton<ContactDirectory>();
        services.AddSingleton<ContactActions>();
        services.AddSingleton<ContactQueries>();
        services.AddSingleton<ContactProfiles>();
        services.AddSingleton<Contacts.Crm.CrmLookup>();
        services.AddHttpClient(Contacts.Crm.CrmLookup.HttpClientName);
        services.AddSingleton<Analytics.PublicPrivateKpis>();
        services.AddSingleton<InboundProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundProcessor>());
        services.AddParleyRouting();
        return builder;
    }
}
