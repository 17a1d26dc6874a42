using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Conversations;
using Parley.Data;
using Parley.Demo;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// The real host in memory, with the demo workspace, on a database of its own (SQLite by default) and a test clock.
/// Pass a <see cref="TestDatabase"/> to share one database between hosts in turn (a restart); the caller then owns it.
/// </summary>
public sealed class ParleyApplication : WebApplicationFactory<Program>
{
    public const string Password = "test-password";

    private readonly TestDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly bool _processInbound;

    public ParleyApplication(DatabaseProvider provider = DatabaseProvider.Sqlite, TestClock? clock = null)
        : this(TestDatabase.Create(provider), ownsDatabase: true, clock, processInbound: true)
    {
    }

    public ParleyApplication(TestDatabase database, TestClock? clock = null, bool processInbound = true)
        : this(database, ownsDatabase: false, clock, processInbound)
    {
    }

    private ParleyApplication(TestDatabase database, bool ownsDatabase, TestClock? clock, bool processInbound)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        _processInbound = processInbound;
        Clock = clock ?? new TestClock();
    }

    public TestClock Clock { get; }

    public CommandHook Hook { get; } = new();

    /// <summary>Seed the demo workspace (brand, inbox demo-website, queues, the demo team); on by default.</summary>
    public bool Demo { get; init; } = true;

    /// <summary>Services for this host on top of the real ones (registered last, so they replace them).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The router's own passes (on every change and every few seconds); off when a test must be the only router.</summary>
    public bool RouteInBackground { get; init; } = true;

    /// <summary>A webhook's answer waits until its events are processed (<see cref="SettledWebhooks"/>); off to test the background itself.</summary>
    public bool SettleWebhooks { get; init; } = true;

    /// <summary>Configuration for this host on top of the test defaults (for example <c>["RateLimits:Login:PermitLimit"] = "2"</c>).</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Set by <see cref="StartKestrel"/>: the address of a real Kestrel server (TestServer does not enforce body size limits).</summary>
    public Uri? KestrelAddress { get; private set; }

    public DatabaseProvider Provider => _database.Provider;

    /// <summary>Errors the host logged (a failed background step, an unhandled exception behind a 500).</summary>
    public ConcurrentQueue<string> LoggedErrors { get; } = new();

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<T> DbAsync<T>(Func<ParleyDb, Task<T>> query)
    {
        await using var db = await Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>The contact a conversation belongs to (a guest's is created when it opens the conversation).</summary>
    public Task<long> ContactOfAsync(long conversationId) =>
        DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.ContactId).FirstAsync());

    public Task<Inbox> DemoInboxAsync() =>
        DbAsync(db => db.WebWidgets.Where(w => w.PublicKey == DemoWorkspace.InboxKey)
            .Join(db.Inboxes, w => w.InboxId, i => i.Id, (w, i) => i).AsNoTracking().FirstAsync());

    /// <summary>The demo website's widget settings (its identity secret signs users, as the website would).</summary>
    public Task<WebWidget> DemoWidgetAsync() =>
        DbAsync(db => db.WebWidgets.AsNoTracking().FirstAsync(w => w.PublicKey == DemoWorkspace.InboxKey));

    /// <summary>What the console would hold for a signed-in advisor of the demo team.</summary>
    public Task<AdvisorSession> AdvisorAsync(string email) => DbAsync(async db =>
    {
        var advisor = await db.Advisors.AsNoTracking().FirstAsync(a => a.Email == email);
        var accounts = await db.AdvisorAccounts.Where(a => a.AdvisorId == advisor.Id).Select(a => a.AccountId).ToListAsync();
        return new AdvisorSession(advisor.Id, advisor.DisplayName, advisor.Role, accounts.ToHashSet());
    });

    public async Task<WidgetClient> GuestAsync()
    {
        var client = Widget();
        await client.StartGuestAsync();
        return client;
    }

    /// <summary>A guest coming back with the refresh token its widget kept.</summary>
    public async Task<WidgetClient> ReturningGuestAsync(string refreshToken)
    {
        var client = Widget();
        await client.ResumeAsync(refreshToken);
        return client;
    }


    public WidgetClient Widget() => new(KestrelAddress is null ? CreateClient() : new HttpClient { BaseAddress = KestrelAddress });

    public void StartKestrel()
    {
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            KestrelAddress = new Uri($"http://127.0.0.1:{port}");
            listener.Stop();
            UseKestrel(port);
        }

        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _database.Provider.ToString());
        builder.UseSetting("Database:ConnectionString", _database.ConnectionString);
        builder.UseSetting("Demo:Enabled", Demo ? "true" : "false");
        builder.UseSetting("Demo:Password", Password);

        // The built-in topic bot unless a test asks for the demo's flow (Settings["Demo:Flow"] = "true").
        builder.UseSetting("Demo:Flow", "false");

        // Every request of a test comes from one client: limits that a real customer never reaches would trip tests that
        // open many sessions; the rate limit tests set their own.
        builder.UseSetting("RateLimits:WidgetSessions:PermitLimit", "100000");
        builder.UseSetting("RateLimits:WidgetInbox:PermitLimit", "100000");
        builder.UseSetting("RateLimits:WidgetCalls:PermitLimit", "100000");
        builder.UseSetting("RateLimits:Login:PermitLimit", "100000");
        builder.UseSetting("RateLimits:LoginPerEmail:PermitLimit", "100000");

        // Tests saturate the CPU themselves: a test that posts webhooks quickly would be in a burst, and its processing
        // paced, depending on what runs beside it. Bursts are tested on their own (WebhookBurstTests).
        builder.UseSetting("Channels:Webhooks:BurstShare", "1");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new ErrorCollector(LoggedErrors));
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.ConfigureDbContext<ParleyDb>(options => options.AddInterceptors(Hook));

            // Seeding hashes five demo passwords per host: cheap iterations keep hundreds of hosts fast, the check is the same.
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000);
            if (!_processInbound)
            {
                NeverStart<InboundProcessor>(services);
            }

            if (!RouteInBackground)
            {
                NeverStart<Router>(services);
            }

            if (SettleWebhooks)
            {
                services.AddSingleton<IStartupFilter, SettledWebhooks>();
            }

            TestServices?.Invoke(services);
        });
    }

    /// <summary>
    /// The host keeps the service but never starts its background loop: for the inbound processor, a crash right after the
    /// acknowledgement; for the router, passes run only when a test calls them.
    /// </summary>
    private static void NeverStart<TService>(IServiceCollection services)
    {
        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null).ToList();
        foreach (var descriptor in hosted)
        {
            var factory = descriptor.ImplementationFactory!;
            services.Remove(descriptor);
            services.AddSingleton<IHostedService>(sp => factory(sp) is var service && service is TService
                ? new NotStarted()
                : (IHostedService)service);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }

    private sealed class NotStarted : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ErrorCollector(ConcurrentQueue<string> errors) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, errors);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }
}
