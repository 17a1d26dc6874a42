using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Parley.BrowserTests;

/// <summary>The real host on a real Kestrel port, with its own SQLite file and the demo workspace.</summary>
public sealed class ParleyServer : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-browser-").FullName;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    public ParleyServer(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
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
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
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
