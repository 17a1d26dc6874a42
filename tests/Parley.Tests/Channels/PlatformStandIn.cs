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

    /// <summary>The calls of each Graph batch request (name, and the one it depends on), in arrival order; the calls it ran are in <see cref="Requests"/>.</summary>
    public ConcurrentQueue<IReadOnlyList<(string? Name, string? DependsOn)>> Batches { get; } = new();

    /// <summary>A platform that runs a batch's calls even after one failed (Graph does not): nothing must go twice then.</summary>
    public bool IgnoresDependencies { get; set; }

    /// <summary>
    /// A Graph batch: each call recorded and answered as if it came alone, in order; one that depends on a call that did not
    /// succeed is not run (answered null), as Graph does.
    /// </summary>
    private StandInResponse RunBatch(List<(string? Name, string? DependsOn, RecordedRequest Request)> calls)
    {
        Batches.Enqueue(calls.Select(c => (c.Name, c.DependsOn)).ToList());
        var succeeded = new HashSet<string>();
        var answers = new List<object?>();
        foreach (var (name, dependsOn, request) in calls)
        {
            if (dependsOn is not null && !succeeded.Contains(dependsOn) && !IgnoresDependencies)
            {
                answers.Add(null);
                continue;
            }

            Requests.Enqueue(request);
            var answer = Respond(request) ?? new StandInResponse(200, "{}");
            if (answer.Status is >= 200 and < 300 && name is not null)
            {
                succeeded.Add(name);
            }

            answers.Add(new { code = answer.Status, body = answer.Json });
        }

        return StandInResponse.Ok(answers);
    }

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
            var batch = GraphBatch.Calls(request, pathBase);
            if (batch is null)
            {
                standIn!.Requests.Enqueue(request);
            }

            if (standIn!.Latency > TimeSpan.Zero)
            {
                await Task.Delay(standIn.Latency);
            }

            var response = batch is not null ? standIn.RunBatch(batch) : standIn.Respond(request) ?? new StandInResponse(200, "{}");
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

/// <summary>Graph's batch request (<c>POST /</c> with a form field <c>batch</c>) read as the calls it carries.</summary>
internal static class GraphBatch
{
    public static List<(string? Name, string? DependsOn, RecordedRequest Request)>? Calls(RecordedRequest envelope, string pathBase)
    {
        if (envelope.Method != "POST" || envelope.Path.TrimEnd('/') != pathBase.TrimEnd('/')
            || !envelope.Headers.TryGetValue("Content-Type", out var type) || !type.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            return null;
        }

        var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(envelope.Body);
        if (!form.TryGetValue("batch", out var batch))
        {
            return null;
        }

        var calls = new List<(string?, string?, RecordedRequest)>();
        foreach (var call in JsonDocument.Parse(batch.ToString()).RootElement.EnumerateArray())
        {
            var body = new Dictionary<string, JsonElement>();
            foreach (var (key, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(call.GetProperty("body").GetString()))
            {
                var text = value.ToString();
                body[key] = text.StartsWith('{') || text.StartsWith('[') ? JsonDocument.Parse(text).RootElement.Clone() : JsonSerializer.SerializeToElement(text);
            }

            var path = $"{pathBase.TrimEnd('/')}/{call.GetProperty("relative_url").GetString()}";
            calls.Add((
                call.TryGetProperty("name", out var name) ? name.GetString() : null,
                call.TryGetProperty("depends_on", out var parent) ? parent.GetString() : null,
                new RecordedRequest(call.GetProperty("method").GetString()!, path, string.Empty, envelope.Headers, JsonSerializer.Serialize(body))));
        }

        return calls;
    }
}
