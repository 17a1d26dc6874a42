using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Channels;

/// <summary>A call the stand-in received; <see cref="Bytes"/> is its body as sent (a multipart upload's file is binary).</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public byte[] Bytes { get; init; } = Encoding.UTF8.GetBytes(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>What the stand-in answers: a status, a JSON body and headers.</summary>
public sealed record StandInResponse(int Status, string Json, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static StandInResponse Ok(object body) => new(200, JsonSerializer.Serialize(body));
}

/// <summary>
/// A local server in a platform's place (Graph API, X API): a real Kestrel on a free port that records every call and
/// answers what the test's <see cref="Respond"/> says, in the platform's documented formats.
/// </summary>
public sealed class PlatformStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlatformStandIn(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The answer to a call; null falls back to 200 with <c>{}</c>.</summary>
    public Func<RecordedRequest, StandInResponse?> Respond { get; set; } = _ => null;

    /// <summary>How long the platform takes to answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The calls to paths ending with <paramref name="suffix"/> (for example "/messages").</summary>
    public IReadOnlyList<RecordedRequest> To(string suffix) => Requests.Where(r => r.Path.EndsWith(suffix, StringComparison.Ordinal)).ToList();

    public static async Task<PlatformStandIn> StartAsync(string pathBase = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        PlatformStandIn? standIn = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetString(bytes))
            {
                Bytes = bytes,
            };
            standIn!.Requests.Enqueue(request);
            if (standIn.Latency > TimeSpan.Zero)
            {
                await Task.Delay(standIn.Latency);
            }

            var response = standIn.Respond(request) ?? new StandInResponse(200, "{}");
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.Json);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn = new PlatformStandIn(app, new Uri(address.TrimEnd('/') + pathBase));
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
