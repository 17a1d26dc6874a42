using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Bench;

/// <summary>
/// The baseline: a Kestrel endpoint in the generator's own process that binds the same JSON body as
/// POST /messages and answers the same 202 shape without doing anything. It tells what this machine,
/// this HTTP client loop and Kestrel can do at all, so Parley's figure can be read as a fraction of it.
/// </summary>
internal sealed class NoOpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NoOpServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Uri WebhookAddress { get; private init; } = null!;

    /// <summary>The flow bench's business API: <c>GET orders/{id}</c> answered after <see cref="StartAsync"/>'s latency.</summary>
    public Uri ApiAddress { get; private init; } = null!;

    public static async Task<NoOpServer> StartAsync(TimeSpan? apiLatency = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        long next = 0;
        app.MapPost("/noop", (WidgetCustomer.SendRequest request) =>
        {
            var seq = Interlocked.Increment(ref next);
            return TypedResults.Accepted((string?)null, new WidgetCustomer.SendResponse(seq, seq, request.ClientMessageId is null));
        });
        // The social benchmark's baseline: a webhook endpoint that reads the whole body and answers as Parley does.
        app.MapPost("/noop-webhook", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return TypedResults.Text("EVENT_RECEIVED", "text/plain");
        });
        app.MapGet("/api/orders/{id}", async (string id) =>
        {
            await Task.Delay(apiLatency ?? TimeSpan.Zero);
            return TypedResults.Json(new { id, status = "shipped" });
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return new NoOpServer(app, new Uri(address, "/noop")) { WebhookAddress = new Uri(address, "/noop-webhook"), ApiAddress = new Uri(address, "/api/") };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
