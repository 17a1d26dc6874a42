using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Parley.Channels;
using Parley.Channels.Webhooks;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The simulated X API v2 media upload (/simulator/x/2/media/upload...) that Parley calls before a DM carrying an
/// advisor's file: the one-shot multipart upload, and the chunked one (initialize, append, finalize, STATUS). Uploaded
/// files are kept in memory (the latest <see cref="Kept"/>) and shown in the simulator at /simulator/x/media/{id}, as
/// the customer's app would show the DM's picture.
/// </summary>
public static class XMediaApi
{
    public const int Kept = 50;

    public static RouteGroupBuilder MapXMediaApi(this RouteGroupBuilder simulator)
    {
        var x = simulator.MapGroup("/x");
        x.MapPost("/2/media/upload", UploadAsync);
        x.MapPost("/2/media/upload/initialize", InitializeAsync);
        x.MapPost("/2/media/upload/{id}/append", AppendAsync);
        x.MapPost("/2/media/upload/{id}/finalize", FinalizeAsync);
        x.MapGet("/2/media/upload", StatusAsync);
        x.MapGet("/media/{id}", (string id, SimulatedXMedia media) => media.Find(id) is { Data: { } data } file
            ? Results.Bytes(data, file.ContentType)
            : Results.NotFound());
        return simulator;
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedXMedia media, CancellationToken ct)
    {
        if (await AuthorizedAsync(request, directory, ct) is { } refused)
        {
            return Reply(state, request, ChannelKind.X, "(upload)", refused);
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        var file = form?.Files.GetFile("media");
        var category = form?["media_category"].ToString();
        if (file is null || category is not ("dm_image" or "dm_gif" or "dm_video"))
        {
            return Reply(state, request, ChannelKind.X, "(upload)", ApiAnswer.XInvalidRequest("A DM upload is a multipart form with media and a media_category of dm_image, dm_gif or dm_video."));
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var type = form!["media_type"].ToString() is { Length: > 0 } declared ? declared : file.ContentType;
        var id = media.Add(type, buffer.ToArray());
        return Reply(state, request, ChannelKind.X, $"(upload: {category}, {type}, {buffer.Length} bytes)", Media(id, null));
    }

    private static async Task<IResult> InitializeAsync(HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedXMedia media, CancellationToken ct)
    {
        var (raw, json) = await ReadAsync(request, ct);
        if (await AuthorizedAsync(request, directory, ct) is { } refused)
        {
            return Reply(state, request, ChannelKind.X, raw, refused);
        }

        if (json is not { } body || Text(body, "media_type") is not { Length: > 0 } type || Text(body, "media_category") is not ("dm_image" or "dm_gif" or "dm_video"))
        {
            return Reply(state, request, ChannelKind.X, raw, ApiAnswer.XInvalidRequest("initialize takes media_type, total_bytes and a DM media_category."));
        }

        return Reply(state, request, ChannelKind.X, raw, Media(media.Start(type), null));
    }

    private static async Task<IResult> AppendAsync(string id, HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedXMedia media, CancellationToken ct)
    {
        if (await AuthorizedAsync(request, directory, ct) is { } refused)
        {
            return Reply(state, request, ChannelKind.X, "(append)", refused);
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
        if (form?.Files.GetFile("media") is not { } chunk || !int.TryParse(form["segment_index"], out var segment))
        {
            return Reply(state, request, ChannelKind.X, "(append)", ApiAnswer.XInvalidRequest("append is a multipart form with segment_index and media."));
        }

        using var buffer = new MemoryStream();
        await chunk.CopyToAsync(buffer, ct);
        return media.Append(id, segment, buffer.ToArray())
            ? Reply(state, request, ChannelKind.X, $"(append: segment {segment}, {buffer.Length} bytes)", new ApiAnswer(StatusCodes.Status200OK, new JsonObject()))
            : Reply(state, request, ChannelKind.X, "(append)", ApiAnswer.XInvalidRequest($"No upload {id} is open, or segment {segment} is out of order."));
    }

    private static async Task<IResult> FinalizeAsync(string id, HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedXMedia media, CancellationToken ct)
    {
        var refused = await AuthorizedAsync(request, directory, ct);
        return Reply(state, request, ChannelKind.X, string.Empty, refused ?? (media.Finish(id) ? Media(id, "succeeded")
            : ApiAnswer.XInvalidRequest($"No upload {id} is open.")));
    }

    private static async Task<IResult> StatusAsync(HttpRequest request, ConnectionDirectory directory, SimulatorState state, SimulatedXMedia media, CancellationToken ct)
    {
        var refused = await AuthorizedAsync(request, directory, ct);
        var id = request.Query["media_id"].ToString();
        return Reply(state, request, ChannelKind.X, string.Empty, refused ?? (media.Find(id) is { Data: not null } ? Media(id, "succeeded")
            : ApiAnswer.XProblem(StatusCodes.Status404NotFound, "Not Found Error", $"No media {id}.")));
    }

    private static ApiAnswer Media(string id, string? state)
    {
        var data = new JsonObject { ["id"] = id, ["media_key"] = $"3_{id}", ["expires_after_secs"] = 86_400 };
        if (state is not null)
        {
            data["processing_info"] = new JsonObject { ["state"] = state, ["progress_percent"] = 100 };
        }

        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["data"] = data });
    }

    /// <summary>Null when the Bearer token is an X connection's; otherwise X's 401.</summary>
    private static async Task<ApiAnswer?> AuthorizedAsync(HttpRequest request, ConnectionDirectory directory, CancellationToken ct)
    {
        var token = Token(request, queryAllowed: false);
        return (await directory.AllAsync(ChannelKind.X, ct)).Any(c => WebhookSignature.SameToken(c.AccessToken, token))
            ? null
            : ApiAnswer.XProblem(StatusCodes.Status401Unauthorized, "Unauthorized", "Unauthorized");
    }
}

/// <summary>The simulator's uploaded X media, in memory: the latest <see cref="XMediaApi.Kept"/>, complete or being appended.</summary>
public sealed class SimulatedXMedia
{
    private readonly ConcurrentDictionary<string, XMedia> _media = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private long _next = 1_800_000_000_000_000_000;

    public sealed record XMedia(string ContentType, byte[]? Data, List<byte[]> Chunks);

    public XMedia? Find(string id) => _media.TryGetValue(id, out var media) ? media : null;

    public string Add(string contentType, byte[] data) => Keep(new XMedia(contentType, data, []));

    public string Start(string contentType) => Keep(new XMedia(contentType, null, []));

    public bool Append(string id, int segment, byte[] chunk)
    {
        if (Find(id) is not { Data: null } open)
        {
            return false;
        }

        lock (open.Chunks)
        {
            if (segment != open.Chunks.Count)
            {
                return false;
            }

            open.Chunks.Add(chunk);
            return true;
        }
    }

    public bool Finish(string id)
    {
        if (Find(id) is not { Data: null } open)
        {
            return Find(id) is not null;
        }

        lock (open.Chunks)
        {
            _media[id] = open with { Data = [.. open.Chunks.SelectMany(c => c)], Chunks = [] };
            return true;
        }
    }

    private string Keep(XMedia media)
    {
        var id = Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _media[id] = media;
        _order.Enqueue(id);
        while (_order.Count > XMediaApi.Kept && _order.TryDequeue(out var old))
        {
            _media.TryRemove(old, out _);
        }

        return id;
    }
}
