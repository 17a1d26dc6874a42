using Microsoft.AspNetCore.Diagnostics;

namespace Parley.Hosting;

/// <summary>
/// Errors the caller caused that the framework raises (a parameter that does not bind, a body cut short or over its
/// limit) and bare status codes (404, 405): all answered as ProblemDetails, whatever the request's Accept header.
/// </summary>
public sealed class ClientErrors : IExceptionHandler
{
    public static Task WriteAsync(HttpContext context, int status, string? title = null, string? detail = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);

    /// <summary>For UseStatusCodePages: a status set without a body becomes a ProblemDetails with that status.</summary>
    public static Task WriteStatusPageAsync(StatusCodeContext context) => WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode);

    /// <summary>
    /// A BadHttpRequestException is the request's fault, and says what was wrong: it is answered with its status and message,
    /// and, handled here, is not logged as an error. A database that refuses for now (out of connections, busy) is a 503
    /// with Retry-After, which platforms and the widget retry; nothing was acknowledged. Anything else is left to the default 500.
    /// </summary>
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Data.DbErrors.IsUnavailable(exception))
        {
            httpContext.Response.Headers.RetryAfter = "5";
            await WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Try again shortly",
                "The database is busy or out of connections; nothing of this request was acknowledged. Retry after a few seconds.");
            return true;
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        await WriteAsync(httpContext, bad.StatusCode, detail: bad.Message);
        return true;
    }
}
