using Microsoft.AspNetCore.DataProtection;
using Parley.Channels.Delivery;
using Parley.Channels.Meta;
using Parley.Data;

namespace Parley.Channels;

public static class ChannelsExtensions
{
    /// <summary>
    /// What every channel shares: inboxes, connections and their protected secrets (Data Protection keys in the database,
    /// so every node reads what another saved), and outbound delivery. Each channel then registers itself
    /// (AddWebMessaging, AddMessenger...).
    /// </summary>
    public static WebApplicationBuilder AddParleyChannels(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddDataProtection().SetApplicationName("Parley").PersistKeysToDbContext<ParleyDb>();
        services.AddSingleton<ChannelConnectors>();
        services.AddSingleton<InboxDirectory>();
        services.AddSingleton<ConnectionSecrets>();
        services.AddSingleton<ConnectionDirectory>();
        services.AddSingleton<ConnectionAdmin>();
        services.AddSingleton<PlatformApi>();
        services.AddSingleton<ConnectionManagement>();
        services.AddSingleton<ConnectionCheck>();
        services.AddSingleton<Conversations.IReplyPolicy, ChannelReplyPolicy>();
        services.AddSingleton<PublicEventSink>();
        // The Graph API client: Messenger, Instagram and WhatsApp calls, and the credentials test of every connection.
        services.AddHttpClient(Meta.MetaGraphClient.HttpClientName);
        services.AddSingleton<Meta.MetaGraphClient>();
        services.AddSingleton<Meta.MetaPublicApi>();
        services.AddSingleton<IPublicPlatform>(sp => sp.GetRequiredService<Meta.MetaPublicApi>());
        services.AddSingleton<PublicModeration>();
        services.AddSingleton<PostDetails>();
        services.AddHostedService(sp => sp.GetRequiredService<PostDetails>());
        services.AddSingleton<IPrivateReplies, Meta.GraphPrivateReplies>();
        services.AddSingleton<Webhooks.IWebhookConsumer, Meta.MetaWebhookConsumer>();
        services.AddOptions<MetaOptions>().BindConfiguration(MetaOptions.Section)
            .Validate(o => o.SendBatch is >= 1 and <= MetaGraphClient.MaxBatch, $"Channels:Meta:SendBatch must be from 1 to {MetaGraphClient.MaxBatch}.")
            .ValidateOnStart();
        services.AddOptions<XOptions>().BindConfiguration(XOptions.Section);
        services.AddHostedService<DeclaredConnections>();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.MaxConversations > 0 && o.PerConversation > 0 && o.MaxAttempts > 0 && o.Lease > o.SendTimeout * 2,
                "Channels:Delivery: MaxConversations, PerConversation and MaxAttempts must be positive, and Lease more than twice SendTimeout.")
            .ValidateOnStart();
        services.AddSingleton<OutboundSignal>();
        services.AddSingleton<ConnectionThrottle>();
        services.AddSingleton<DeliverySettler>();
        services.AddSingleton<DeliveryReceipts>();
        services.AddHostedService<CustomerSignals>();
        services.AddSingleton<OutboundDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboundDispatcher>());

        // Signed webhooks are journaled, answered, then processed.
        services.AddOptions<Webhooks.WebhookOptions>().BindConfiguration(Webhooks.WebhookOptions.Section)
            .Validate(o => o.Concurrency > 0 && o.MaxInFlight > 0 && o.MaxAttempts > 0 && o.Lease > o.SweepInterval * 2 && o.BurstShare is > 0 and <= 1,
                "Channels:Webhooks: Concurrency, MaxInFlight and MaxAttempts must be positive, Lease more than twice SweepInterval, and BurstShare more than 0 and at most 1.")
            .ValidateOnStart();
        services.AddSingleton<Webhooks.WebhookBurst>();
        services.AddSingleton<Webhooks.WebhookWork>();
        services.AddSingleton<Webhooks.WebhookJournal>();
        services.AddHostedService<Webhooks.WebhookSweeper>();
        return builder;
    }
}
