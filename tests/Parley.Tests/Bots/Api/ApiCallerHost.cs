using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Bots.Api;

namespace Parley.Tests.Bots.Api;

/// <summary>The services of AddBotApi on their own, with every log line of every level kept (HttpClient's own included); one per test class.</summary>
public sealed class ApiCallerHost : IDisposable
{
    private readonly ServiceProvider _services;

    public ApiCallerHost()
        : this([])
    {
    }

    internal ApiCallerHost(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new Collector(Logs)));
        services.AddBotApi();
        _services = services.BuildServiceProvider();
    }

    public ConcurrentQueue<string> Logs { get; } = new();

    internal ApiCaller Caller => _services.GetRequiredService<ApiCaller>();

    public void Dispose() => _services.Dispose();

    private sealed class Collector(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                logs.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
