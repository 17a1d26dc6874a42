using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Parley.Data;
using Parley.Routing;

namespace Parley.Bench;

/// <summary>
/// Parley's real host inside the generator's process (its background workers, its outbound dispatcher and its HTTP
/// clients are the real ones; only the inbound HTTP server is in memory, which the outbound benchmark does not use), so
/// the bench can write outbound messages with the engine's own writer. A throw-away SQLite folder or PostgreSQL database.
/// </summary>
internal sealed class InProcessParley : WebApplicationFactory<ParleyDb>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-bench-").FullName;
    private readonly (string Server, string Name)? _postgres;
    private readonly string _connectionString;
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _router;

    private InProcessParley(string? postgres, Dictionary<string, string?> settings, bool router)
    {
        _settings = settings;
        _router = router;
        _connectionString = $"Data Source={Path.Combine(_folder, "parley.db")}";
        if (postgres is not null)
        {
            _postgres = (postgres, $"parley_bench_{Guid.NewGuid():N}");
            _connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = _postgres.Value.Name }.ConnectionString;
        }
    }

    /// <param name="router">
    /// Run the host's own router loop. The routing bench runs its routers itself, one per node it measures, so that the
    /// host's loop is not one more node planning the same conversations.
    /// </param>
    public static async Task<InProcessParley> StartAsync(string? postgres, Dictionary<string, string?> settings, bool router = true)
    {
        var host = new InProcessParley(postgres, settings, router);
        if (host._postgres is { } database)
        {
            await ParleyHost.PostgresAsync(database.Server, $"CREATE DATABASE {database.Name}");
        }

        ApplyHostThreadPool();
        _ = host.Services; // starts the host: migrations, the demo workspace, the hosted workers
        return host;
    }

    /// <summary>
    /// The host's thread-pool minimum (<c>ThreadPoolMinThreads</c> in src/Parley/Parley.csproj, in Parley.runtimeconfig.json
    /// beside the bench), which the bench's process would not otherwise have: SQLite's calls block a thread each, and
    /// with the pool's default minimum the in-process host's sends queued behind them. Returns the minimum in force.
    /// </summary>
    public static int ApplyHostThreadPool()
    {
        var config = Path.Combine(AppContext.BaseDirectory, "Parley.runtimeconfig.json");
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (File.Exists(config))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            if (json.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
                && properties.TryGetProperty("System.Threading.ThreadPool.MinThreads", out var min) && min.GetInt32() > workers)
            {
                workers = min.GetInt32();
                ThreadPool.SetMinThreads(workers, io);
            }
        }

        return workers;
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<T> DbAsync<T>(Func<ParleyDb, Task<T>> query)
    {
        await using var db = await Service<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        return await query(db);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseContentRoot(Path.GetDirectoryName(typeof(ParleyDb).Assembly.Location)!);
        builder.UseSetting("Database:Provider", _postgres is null ? "Sqlite" : "Postgres");
        builder.UseSetting("Database:ConnectionString", _connectionString);
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
        if (!_router)
        {
            builder.ConfigureTestServices(services =>
            {
                // The router stays a service (the bench resolves its dependencies); only its hosted loop is left out.
                foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null).ToList())
                {
                    var factory = hosted.ImplementationFactory!;
                    services.Remove(hosted);
                    services.AddSingleton<IHostedService>(sp => factory(sp) is var service && service is Router ? new Idle() : (IHostedService)service);
                }
            });
        }
    }

    private sealed class Idle : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is { } database)
        {
            await ParleyHost.DropDatabaseAsync(database.Server, database.Name);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
