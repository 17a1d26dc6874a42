using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;

namespace Parley.Hosting;

/// <summary>
/// Limits on the request line and headers, answered as ProblemDetails. Kestrel enforces its own before the app runs
/// and answers those with an empty body, so its limits are set above these (<see cref="RaiseKestrelLimits"/>): a request
/// over ours but within Kestrel's gets a 414 or 431 ProblemDetails from here; only one far over (beyond Kestrel's)
/// still gets Kestrel's bare answer.
/// </summary>
public static class RequestLimits
{
    /// <summary>The longest URL (path and query) served; Kestrel's default request line limit.</summary>
    public const int MaxUrlBytes = 8 * 1024;

    /// <summary>The most header bytes (names, values, separators) a request may carry; Kestrel's default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>The most header lines a request may carry; Kestrel's default.</summary>
    public const int MaxHeaderCount = 100;

    public const int KestrelMaxRequestLineBytes = 32 * 1024;
    public const int KestrelMaxHeaderBytes = 64 * 1024;
    public const int KestrelMaxHeaderCount = 200;

    public static void RaiseKestrelLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = KestrelMaxRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = KestrelMaxHeaderBytes;
        limits.MaxRequestHeaderCount = KestrelMaxHeaderCount;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        // The target as sent (Kestrel); a server that does not keep it (the test server) gives the decoded URL, near enough.
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw.Length
            : (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (target > MaxUrlBytes)
        {
            return ClientErrors.WriteAsync(context, StatusCodes.Status414UriTooLong, "URL too long",
                $"The URL is {target} bytes long; the limit is {MaxUrlBytes} bytes. Send large data in the request body.");
        }

        var (count, bytes) = HeaderSize(request.Headers);
        if (count > MaxHeaderCount || bytes > MaxHeaderBytes)
        {
            return ClientErrors.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large",
                $"The request has {count} header lines of {bytes} bytes in all; the limits are {MaxHeaderCount} lines and {MaxHeaderBytes} bytes.");
        }

        if (UnreadableJsonCharset(request.ContentType) is { } charset)
        {
            return ClientErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported charset",
                $"The JSON body is declared in charset '{charset}', which the server cannot read; send UTF-8.");
        }

        return next(context);
    });

    private static (int Count, int Bytes) HeaderSize(IHeaderDictionary headers)
    {
        var count = 0;
        var bytes = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + (value?.Length ?? 0) + 4; // "name: value\r\n"
            }
        }

        return (count, bytes);
    }

    /// <summary>
    /// The charset of a JSON body that System.Text.Json cannot be given (reading it would throw, and answer a 500), or null.
    /// Mirrors the check of HttpRequestJsonExtensions.ReadFromJsonAsync.
    /// </summary>
    private static string? UnreadableJsonCharset(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var charset = mediaType.Charset;
        if (!charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            Encoding.GetEncoding(charset.Value);
            return null;
        }
        catch (ArgumentException)
        {
            return charset.Value;
        }
    }
}
