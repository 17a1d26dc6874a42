using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Npgsql;

namespace Parley.Bench;

/// <summary>
/// Parley as a child process on a loopback port, with a throw-away SQLite folder (or PostgreSQL database) and the demo
/// workspace (whose advisors are all offline, so every handed-off conversation stays queued). The engine benchmark lifts
/// the widget's per-session and per-address limits (all its customers come from 127.0.0.1 and post far faster than a
/// person); the attack replay keeps Parley's defaults.
/// </summary>
internal sealed class ParleyHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly StreamWriter _log;
    private readonly (string Server, string Name)? _postgres;

    private ParleyHost(Process process, string folder, StreamWriter log, int port, (string Server, string Name)? postgres, string connectionString)
    {
        _process = process;
        _folder = folder;
        _log = log;
        _postgres = postgres;
        ConnectionString = connectionString;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    /// <summary>The connection string Parley was given (SQLite's <c>Data Source=…</c>, or Npgsql's).</summary>
    public string ConnectionString { get; }

    public bool OnPostgres => _postgres is not null;

    public string LogFile => Path.Combine(_folder, "parley.log");

    public int ProcessId => _process.Id;

    /// <summary>CPU time the server has used so far (all its threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ParleyHost> StartAsync(string? dll, HttpClient http, string? postgres, bool liftWidgetLimits, IEnumerable<string>? settings = null)
    {
        dll ??= DefaultDll();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Parley is not built at {dll}: run `dotnet build src/Parley -c Release` or pass --parley.", dll);
        }

        var folder = Directory.CreateTempSubdirectory("parley-bench-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        (string Server, string Name)? database = null;
        var connectionString = $"Data Source={Path.Combine(folder, "parley.db")}";
        if (postgres is not null)
        {
            database = (postgres, $"parley_bench_{Guid.NewGuid():N}");
            await PostgresAsync(postgres, $"CREATE DATABASE {database.Value.Name}");
            connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database.Value.Name }.ConnectionString;
        }

        foreach (var arg in new[]
        {
            dll, "--urls", $"http://127.0.0.1:{port}",
            $"--Database:Provider={(postgres is null ? "Sqlite" : "Postgres")}",
            $"--Database:ConnectionString={connectionString}",
            "--Demo:Enabled=true",

            // The benches' customers talk to the built-in topic bot (topic picks, unclear text); a setting may turn the flow on.
            "--Demo:Flow=false",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (liftWidgetLimits)
        {
            start.ArgumentList.Add("--RateLimits:WidgetCalls:PermitLimit=100000000");
            start.ArgumentList.Add("--RateLimits:WidgetSessions:PermitLimit=100000000");
        }

        foreach (var setting in settings ?? [])
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = new StreamWriter(Path.Combine(folder, "parley.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new ParleyHost(process, folder, log, port, database, connectionString);
        await host.WaitUntilReadyAsync(http);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    /// <summary>Deletes the temp folder and the PostgreSQL database (kept when the caller wants to inspect them afterwards).</summary>
    public async Task DeleteDataAsync()
    {
        if (_postgres is { } database)
        {
            await DropDatabaseAsync(database.Server, database.Name);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Drops a bench database, waiting for an autovacuum worker still on it (the server's own: FORCE may not end it).</summary>
    public static async Task DropDatabaseAsync(string server, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PostgresAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    public static async Task PostgresAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new Uri(BaseAddress, $"/api/widget/v1/inboxes/{WidgetCustomer.InboxKey}");
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Parley exited with code {_process.ExitCode}; see {LogFile}.");
            }

            try
            {
                using var response = await http.GetAsync(probe);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Parley did not answer within 60 s; see {LogFile}.");
    }

    private static string DefaultDll()
    {
        var configuration = typeof(ParleyHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Cannot find the repository root (Parley.slnx) above the bench; pass --parley.");
        }

        return Path.Combine(dir.FullName, "src", "Parley", "bin", configuration, "net10.0", "Parley.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
