namespace Parley.Hosting;

/// <summary>
/// Headers for every response, added as it starts: errors (the exception handler clears the response it replaces),
/// status code pages, static files and streams get them as well as the API.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Attachment downloads: a file a customer sent is never run as a page, even when opened directly.</summary>
    public const string AttachmentPolicy = "sandbox; default-src 'none'";

    private static readonly PathString[] AttachmentDownloads = ["/api/widget/v1/attachments", "/console/attachments", "/media"];

    /// <summary>
    /// What the brand's site loads, from its own pages: the widget's API and script, and the demo page standing in for a
    /// brand's site. Everything else (the console above all) refuses to be framed, so a page added later is covered.
    /// </summary>
    private static readonly PathString[] WidgetSurface = ["/api/widget", "/widget.js", "/demo"];

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static void Apply(HttpContext context)
    {
        var path = context.Request.Path;
        var headers = context.Response.Headers;

        // Browsers take the declared type as final: an upload served as image/gif is never sniffed into a page.
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";

        if (IsAttachmentDownload(path))
        {
            AddPolicy(headers, AttachmentPolicy);
            if (context.Response.StatusCode is >= 200 and < 300 && string.IsNullOrEmpty(headers.ContentDisposition))
            {
                headers.ContentDisposition = "attachment";
            }
        }

        if (!WidgetSurface.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            headers.XFrameOptions = "DENY";
            AddPolicy(headers, "frame-ancestors 'none'");
        }
    }

    /// <summary>GET /api/widget/v1/attachments/{id}, /console/attachments/{id} or /media/{id} (signed links), not the upload (POST …/attachments).</summary>
    private static bool IsAttachmentDownload(PathString path) =>
        AttachmentDownloads.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase, out var rest) && rest.Value is { Length: > 1 });

    private static void AddPolicy(IHeaderDictionary headers, string directives)
    {
        var current = headers.ContentSecurityPolicy.ToString();
        headers.ContentSecurityPolicy = current.Length == 0 ? directives : $"{current}; {directives}";
    }
}
