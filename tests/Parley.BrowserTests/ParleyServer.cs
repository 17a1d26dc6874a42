using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.BrowserTests;

/// <summary>The real host on a real Kestrel port, with its own SQLite file and the demo workspace.</summary>
public sealed class ParleyServer : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-browser-").FullName;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Test services added after the application's (an EF interceptor, for one).</param>
    public ParleyServer(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        Port = FreePort();
        UseKestrel(Port);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:ConnectionString", $"Data Source={Path.Combine(_folder, "parley.db")}");
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:Password", "browser-test");
        builder.UseSetting("Demo:Flow", "false");

        // The browser and the server share the CPU: a test's webhooks would count as a burst and their processing be paced.
        builder.UseSetting("Channels:Webhooks:BurstShare", "1");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
