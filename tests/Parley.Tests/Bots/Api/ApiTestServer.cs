using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Bots.Api;

/// <summary>A real Kestrel server on a free loopback port that answers with the test's handler (given the attempt number, from 1).</summary>
internal sealed class ApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private ApiTestServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public int Hits => Volatile.Read(ref _hits);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static async Task<ApiTestServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new ApiTestServer(builder.Build());
        server._app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            server.Requests.Enqueue(new Received(context.Request.Method, context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget, headers, body, DateTimeOffset.UtcNow));
            await handler(context, Interlocked.Increment(ref server._hits));
        });
        await server._app.StartAsync();
        server.Address = new Uri(server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    public static Task<ApiTestServer> StartAsync(Func<HttpContext, Task> handler) => StartAsync((context, _) => handler(context));

    /// <summary>A server that answers every request with this status and body.</summary>
    public static Task<ApiTestServer> AnsweringAsync(int status, string body = "") => StartAsync(context =>
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(body);
    });

    public string Url(string pathAndQuery) => Address.ToString().TrimEnd('/') + pathAndQuery;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Received(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
}
