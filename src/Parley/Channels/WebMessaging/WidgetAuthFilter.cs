using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Parley.Hosting;

namespace Parley.Channels.WebMessaging;

/// <summary>
/// Rejects widget calls without a valid, unexpired, unrevoked session token in an <c>Authorization: Bearer</c> header,
/// and limits each session's calls (<see cref="RateLimitOptions.WidgetCalls"/>). The event stream, which a browser's
/// EventSource opens without headers, also takes a short-lived stream ticket as <c>?ticket=</c>; a session token is never
/// taken from a URL.
/// </summary>
public sealed class WidgetAuthFilter(WidgetSessions sessions, WidgetCallLimiter limiter) : IEndpointFilter
{
    private const string ItemKey = "parley.widget.caller";

    public static WidgetCaller Caller(HttpContext http) => (WidgetCaller)http.Items[ItemKey]!;

    /// <summary>Replaces the request's caller once its contact exists (a guest's first message).</summary>
    public static void SetCaller(HttpContext http, WidgetCaller caller) => http.Items[ItemKey] = caller;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var ticket = http.GetEndpoint()?.Metadata.GetMetadata<StreamTicketAccepted>() is not null ? http.Request.Query["ticket"].ToString() : "";
        var claims = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? await sessions.ValidateAsync(header["Bearer ".Length..].Trim(), TokenPurpose.Session, http.RequestAborted)
            : await sessions.ValidateAsync(ticket, TokenPurpose.Stream, http.RequestAborted);
        if (claims is null)
        {
            return TypedResults.Problem(
                header.Length == 0 && ticket.Length == 0
                    ? "A widget session token is required (Authorization: Bearer <token>)."
                    : "The session token or stream ticket is not valid or has expired: refresh it (POST /sessions/refresh).",
                statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
        }

        var caller = await sessions.ResolveAsync(claims, http.RequestAborted);
        if (caller is null)
        {
            return TypedResults.Problem("This session was ended; start a new one.", statusCode: StatusCodes.Status401Unauthorized, title: "Session revoked");
        }

        using var lease = limiter.Acquire(claims);
        if (!lease.IsAcquired)
        {
            return RateLimits.TooMany(http, lease);
        }

        SetCaller(http, caller);
        return await next(context);
    }
}

/// <summary>The per-session limit of authenticated widget calls, partitioned by the token's inbox and subject.</summary>
public sealed class WidgetCallLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<(long, string)> _limiter = PartitionedRateLimiter.Create<(long, string), (long, string)>(
        key => RateLimitPartition.GetFixedWindowLimiter(key, _ => options.Value.WidgetCalls.ToOptions()));

    public RateLimitLease Acquire(WidgetClaims claims) => _limiter.AttemptAcquire((claims.InboxId, claims.Subject));

    public void Dispose() => _limiter.Dispose();
}

/// <summary>Marks the endpoint that also accepts a stream ticket in the query string (the event stream).</summary>
public sealed record StreamTicketAccepted;

/// <summary>Marks an endpoint that accepts a larger body than the default API limit.</summary>
public sealed record LargeBody(long MaxBytes);
