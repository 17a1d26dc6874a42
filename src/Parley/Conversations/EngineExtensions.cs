using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Routing;

namespace Parley.Conversations;

public static class EngineExtensions
{
    /// <summary>The conversation engine and its workers: inbound processing, routing, outbound delivery, web messaging.</summary>
    public static WebApplicationBuilder AddParleyEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddSingleton<ConversationEventHub>();
        services.AddSingleton<InboundSignal>();
        services.AddSingleton<RoutingSignal>();
        services.AddSingleton<OutboundSignal>();
        services.AddSingleton<ConversationWriter>();
        services.AddSingleton<WriteGate>();
        services.AddSingleton<InboundWriter>();
        services.AddSingleton<ConversationEngine>();
        services.AddSingleton<ConversationActions>();
        services.AddSingleton<IChannelConnector, WebMessagingConnector>();
        services.AddSingleton<ChannelConnectors>();
        services.AddSingleton<InboxDirectory>();
        services.AddSingleton<WidgetSessions>();
        services.AddSingleton(sp => new WidgetTokens(SharedKey(sp.GetRequiredService<IDbContextFactory<ParleyDb>>(), WidgetTokens.SettingKey)));
        services.AddSingleton<InboundProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundProcessor>());
        services.AddSingleton<Router>();
        services.AddHostedService(sp => sp.GetRequiredService<Router>());
        services.AddSingleton<OutboundDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboundDispatcher>());
        return builder;
    }

    /// <summary>A random key created once per database, so every node of a cluster signs alike.</summary>
    private static byte[] SharedKey(IDbContextFactory<ParleyDb> dbs, string name)
    {
        using var db = dbs.CreateDbContext();
        var existing = db.Settings.AsNoTracking().FirstOrDefault(s => s.Key == name);
        if (existing is null)
        {
            try
            {
                db.Settings.Add(new Setting { Key = name, Value = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) });
                db.SaveChanges();
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another node created it first.
            }

            db.ChangeTracker.Clear();
            existing = db.Settings.AsNoTracking().First(s => s.Key == name);
        }

        return Convert.FromBase64String(existing.Value);
    }
}
