using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Channels.Webhooks;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.X;

/// <summary>What an upload gave: the media id for the DM, or the send's result when it failed (retried like any send).</summary>
public sealed record XUpload(string? MediaId, SendResult? Failure);

/// <summary>
/// Uploads an advisor's stored file to X before the DM that carries it, with the account's OAuth 2.0 user token:
/// an image (PNG, JPEG, WebP) in one <c>POST /2/media/upload</c> (multipart: <c>media</c>, <c>media_category=dm_image</c>,
/// <c>media_type</c>); an animated GIF, which X takes only chunked, by <c>POST /2/media/upload/initialize</c>
/// (<c>dm_gif</c>), <c>…/{id}/append</c> per chunk and <c>…/{id}/finalize</c>, then, while X's <c>processing_info</c>
/// says pending or in progress, <c>GET /2/media/upload?command=STATUS&amp;media_id={id}</c> after <c>check_after_secs</c>.
/// </summary>
/// <remarks>
/// Each send attempt uploads again rather than keeping a media id: the id expires (X's <c>expires_after_secs</c>), the
/// attempt may run on another node, and nothing then needs storing; an upload whose DM failed is left to expire at X.
/// </remarks>
public sealed class XMediaUpload(IHttpClientFactory http, PlatformApi platformApi, IOptions<XOptions> options, IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    /// <summary>The size of each appended chunk of a chunked upload.</summary>
    public const int ChunkBytes = 4 * 1024 * 1024;

    /// <summary>How many times X's processing is checked before the send is retried later.</summary>
    public const int StatusChecks = 5;

    /// <summary>X's use case for the file, which sets its limits: GIFs as animated GIFs, every other image as an image.</summary>
    public static string Category(string contentType) => contentType == "image/gif" ? "dm_gif" : "dm_image";

    public async Task<XUpload> UploadAsync(ConnectionCredentials connection, string token, AttachmentInfo file, CancellationToken ct)
    {
        byte[]? data;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            data = await db.Attachments.AsNoTracking().Where(a => a.Id == file.Id).Select(a => a.Data).FirstOrDefaultAsync(ct);
        }

        if (data is null)
        {
            return new XUpload(null, SendResult.Fail("The file no longer exists in Parley, so it cannot be sent."));
        }

        var call = new Call(http.CreateClient(XConnector.HttpClientName), clock, $"{platformApi.BaseUrl(connection, options.Value.ApiUrl)}/2/media/upload", token);
        var category = Category(file.ContentType);
        return category == "dm_image" ? await OneShotAsync(call, data, file, category, ct) : await ChunkedAsync(call, data, file, category, ct);
    }

    private static async Task<XUpload> OneShotAsync(Call call, byte[] data, AttachmentInfo file, string category, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent
        {
            { File(data, file.ContentType), "media", file.FileName },
            { new StringContent(category), "media_category" },
            { new StringContent(file.ContentType), "media_type" },
        };
        var (body, failure) = await call.SendAsync(HttpMethod.Post, "", form, ct);
        return failure is not null ? new XUpload(null, failure) : Identified(body);
    }

    private async Task<XUpload> ChunkedAsync(Call call, byte[] data, AttachmentInfo file, string category, CancellationToken ct)
    {
        var init = new JsonObject { ["media_type"] = file.ContentType, ["total_bytes"] = data.Length, ["media_category"] = category };
        var (body, failure) = await call.SendAsync(HttpMethod.Post, "/initialize", new StringContent(init.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        if (failure is not null || XSendAnswer.MediaId(body) is not { Length: > 0 } id)
        {
            return failure is not null ? new XUpload(null, failure) : Identified(body);
        }

        var media = Uri.EscapeDataString(id);
        for (var (offset, segment) = (0, 0); offset < data.Length; offset += ChunkBytes, segment++)
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(segment.ToString(CultureInfo.InvariantCulture)), "segment_index" },
                { File(data.AsMemory(offset, Math.Min(ChunkBytes, data.Length - offset)), "application/octet-stream"), "media", file.FileName },
            };
            if ((await call.SendAsync(HttpMethod.Post, $"/{media}/append", form, ct)).Failure is { } appendFailed)
            {
                return new XUpload(null, appendFailed);
            }
        }

        (body, failure) = await call.SendAsync(HttpMethod.Post, $"/{media}/finalize", null, ct);
        for (var check = 0; failure is null; check++)
        {
            var (state, after, error) = Processing(body);
            if (state is null or "succeeded")
            {
                return new XUpload(id, null);
            }

            if (state == "failed")
            {
                return new XUpload(null, SendResult.Fail($"X could not process the file: {error ?? "no reason given"}."));
            }

            if (check == StatusChecks)
            {
                return new XUpload(null, SendResult.Retry("X was still processing the file; the message goes again later.", after));
            }

            await Task.Delay(after, clock, ct);
            (body, failure) = await call.SendAsync(HttpMethod.Get, $"?command=STATUS&media_id={media}", null, ct);
        }

        return new XUpload(null, failure);
    }

    private static XUpload Identified(string? body) => XSendAnswer.MediaId(body) is { Length: > 0 } id
        ? new XUpload(id, null)
        : new XUpload(null, SendResult.Retry("X accepted the file's upload but named no media id."));

    private static ReadOnlyMemoryContent File(ReadOnlyMemory<byte> data, string contentType)
    {
        var content = new ReadOnlyMemoryContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    /// <summary>X's <c>data.processing_info</c>: its state (null when absent: the media is ready), when to check again, and why it failed.</summary>
    private static (string? State, TimeSpan CheckAfter, string? Error) Processing(string? body)
    {
        try
        {
            using var document = JsonDocument.Parse(body ?? "{}", new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("processing_info", out var info) || info.ValueKind != JsonValueKind.Object)
            {
                return (null, TimeSpan.Zero, null);
            }

            var seconds = info.TryGetProperty("check_after_secs", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) ? n : 1;
            var error = info.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? PlatformText.Of(e, "message") : null;
            return (PlatformText.Of(info, "state"), TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 5)), error);
        }
        catch (JsonException)
        {
            return (null, TimeSpan.Zero, null);
        }
    }

    /// <summary>One upload's calls: under the upload address, with the bearer token; an error answer is the send's failure.</summary>
    private sealed record Call(HttpClient Client, TimeProvider Clock, string Url, string Token)
    {
        public async Task<(string? Body, SendResult? Failure)> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, Url + path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await Client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return (body, null);
            }

            var failure = XSendAnswer.Map(response, body, Clock.GetUtcNow());
            return (null, failure with { Error = $"The file's upload to X failed: {failure.Error}" });
        }
    }
}
