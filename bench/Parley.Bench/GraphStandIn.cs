using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Bench;

/// <summary>One Send API call as the stand-in saw it: when it arrived, on which page, to whom, and the text.</summary>
internal sealed record SendCall(long ArrivedAt, string PageId, string RecipientId, string Text);

/// <summary>
/// Meta's Graph API as far as Parley's Messenger connector uses it, on a loopback Kestrel in the generator's process:
/// <c>POST /v23.0/{page-id}/messages</c> answered as the Send API documents it (<c>recipient_id</c>, <c>message_id</c>)
/// after <see cref="Latency"/>, and <c>GET /v23.0/{psid}</c> answered with a profile. Every send is recorded with its
/// arrival time (Stopwatch ticks), so rates and order are measured from the platform's side.
/// </summary>
internal sealed class GraphStandIn : IAsyncDisposable
{
    public const string Version = "v23.0";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SendCall> _sends = new();
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _next;
    private int _profiles;
    private int _requests;

    private GraphStandIn(WebApplication app)
    {
        _app = app;
        _open.SetResult();
    }

    /// <summary>The Graph API's base, to give Parley as <c>Channels:Meta:GraphApiUrl</c> (ends with the version).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How long each send takes to be answered (from its arrival, or from <see cref="Open"/> while held).</summary>
    public TimeSpan Latency { get; set; }

    public int SendCount => _sends.Count;

    public int ProfileCount => Volatile.Read(ref _profiles);

    /// <summary>Send requests answered since the last <see cref="ClearSends"/> (a batch counts one).</summary>
    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>The sends so far, in arrival order.</summary>
    public List<SendCall> Sends() => [.. _sends.OrderBy(s => s.ArrivedAt)];

    public void ClearSends()
    {
        _sends.Clear();
        Volatile.Write(ref _requests, 0);
    }

    /// <summary>Holds every answer until <see cref="Open"/>: the dispatcher's first calls wait while the bench writes its messages.</summary>
    public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held calls be answered (each <see cref="Latency"/> from now); returns the moment, in Stopwatch ticks.</summary>
    public long Open()
    {
        var now = Stopwatch.GetTimestamp();
        _open.TrySetResult();
        return now;
    }

    public static async Task<GraphStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new GraphStandIn(app);
        app.MapPost($"/{Version}/{{page}}/messages", (string page, HttpRequest request) => standIn.SendAsync(page, request));
        app.MapGet($"/{Version}/{{psid}}", (string psid) => standIn.Profile(psid));
        app.MapPost($"/{Version}/", (HttpRequest request) => standIn.BatchAsync(request));
        await app.StartAsync();
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        standIn.BaseUrl = new Uri(address, $"/{Version}");
        return standIn;
    }

    private async Task<IResult> SendAsync(string page, HttpRequest request)
    {
        var arrived = Stopwatch.GetTimestamp();
        using var json = await JsonDocument.ParseAsync(request.Body);
        var recipient = Record(arrived, page, json.RootElement.GetProperty("recipient"), json.RootElement.GetProperty("message"));
        await AnswerAfterLatencyAsync();
        return Results.Json(new { recipient_id = recipient, message_id = $"m_standin_{Interlocked.Increment(ref _next)}" });
    }

    /// <summary>
    /// Graph's batch: <c>POST /v23.0/</c> with a form field <c>batch</c>, a list of <c>{method, relative_url, name,
    /// depends_on, body}</c> whose bodies are forms. Each messages call is recorded as a send, at the request's arrival and
    /// in the batch's order; the answer is the list of <c>{code, body}</c> after the same latency as one send.
    /// </summary>
    private async Task<IResult> BatchAsync(HttpRequest request)
    {
        var arrived = Stopwatch.GetTimestamp();
        var form = await request.ReadFormAsync();
        using var batch = JsonDocument.Parse(form["batch"].ToString());
        var answers = new List<object>();
        foreach (var call in batch.RootElement.EnumerateArray())
        {
            var page = call.GetProperty("relative_url").GetString()!.Split('/')[0];
            var body = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(call.GetProperty("body").GetString());
            using var to = JsonDocument.Parse(body["recipient"].ToString());
            using var message = JsonDocument.Parse(body["message"].ToString());
            var recipient = Record(arrived, page, to.RootElement, message.RootElement);
            answers.Add(new { code = 200, body = JsonSerializer.Serialize(new { recipient_id = recipient, message_id = $"m_standin_{Interlocked.Increment(ref _next)}" }) });
        }

        await AnswerAfterLatencyAsync();
        return Results.Json(answers);
    }

    private string Record(long arrived, string page, JsonElement to, JsonElement message)
    {
        var recipient = to.GetProperty("id").GetString() ?? string.Empty;
        var text = message.TryGetProperty("text", out var t) ? t.GetString() ?? string.Empty : string.Empty;
        _sends.Enqueue(new SendCall(arrived, page, recipient, text));
        return recipient;
    }

    private async Task AnswerAfterLatencyAsync()
    {
        Interlocked.Increment(ref _requests);
        var open = _open.Task;
        if (!open.IsCompleted)
        {
            await open;
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }
    }

    private IResult Profile(string psid)
    {
        Interlocked.Increment(ref _profiles);
        return Results.Json(new { first_name = "Bench", last_name = "Customer", profile_pic = "https://cdn.example/p.jpg", id = psid });
    }

    public async ValueTask DisposeAsync()
    {
        _open.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
