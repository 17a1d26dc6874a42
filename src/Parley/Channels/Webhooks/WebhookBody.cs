using Microsoft.AspNetCore.Http.Features;

namespace Parley.Channels.Webhooks;

/// <summary>Webhook bodies are read raw (signatures are over the exact bytes), up to a limit.</summary>
public static class WebhookBody
{
    /// <summary>Platforms batch events, but a POST stays well under this (Meta's are a few KB; a batch of 1,000 events fits).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <returns>The body, or null when it is larger than <see cref="MaxBytes"/> (answer 413).</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        if (request.ContentLength is { } length)
        {
            // The usual case: the body read straight into an array of its size, with no copy.
            var body = new byte[length];
            var filled = 0;
            int read;
            while (filled < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(filled), ct)) > 0)
            {
                filled += read;
            }

            // A body shorter than its Content-Length ends the request with an error in Kestrel; one longer is not read.
            return filled == body.Length ? body : body[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>The body as JSON (nesting bounded), or the 400 that says why it is not.</summary>
    public static (System.Text.Json.JsonDocument? Document, IResult? Problem) Parse(byte[] body)
    {
        try
        {
            return (System.Text.Json.JsonDocument.Parse(body, new System.Text.Json.JsonDocumentOptions { MaxDepth = 32 }), null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, Malformed($"The body is not JSON: {e.Message}"));
        }
    }

    public static IResult TooLarge() => TypedResults.Problem($"The body is larger than {MaxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    public static IResult Malformed(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed webhook");

    public static IResult BadSignature(string header) =>
        TypedResults.Problem($"The {header} header is missing or is not the signature of this body.", statusCode: StatusCodes.Status401Unauthorized, title: "Bad signature");

    public static IResult UnknownAccount(string what) =>
        TypedResults.Problem($"No enabled connection is the {what} of this event.", statusCode: StatusCodes.Status404NotFound, title: "Unknown connection");
}
