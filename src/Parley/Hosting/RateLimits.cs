using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Parley.Hosting;

/// <summary>One fixed-window limit: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; }

    public FixedWindowRateLimiterOptions ToOptions() => new()
    {
        PermitLimit = Math.Max(1, PermitLimit),
        Window = TimeSpan.FromSeconds(Math.Max(1, WindowSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>
/// The rate limits of the endpoints anyone can call (section <c>RateLimits</c>). Per client address: widget sessions,
/// inbox lookups and console sign-ins; per signed-in widget session: every other widget call (see WidgetAuthFilter);
/// per email: console sign-ins (see the login handler).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>POST /api/widget/v1/sessions and /sessions/refresh, per client address.</summary>
    public WindowLimit WidgetSessions { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };

    /// <summary>GET /api/widget/v1/inboxes/{key}, per client address (every page view of the brand's site calls it).</summary>
    public WindowLimit WidgetInbox { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };

    /// <summary>Every authenticated widget call, per widget session (a customer's browser).</summary>
    public WindowLimit WidgetCalls { get; set; } = new() { PermitLimit = 300, WindowSeconds = 60 };

    /// <summary>POST /account/login, per client address.</summary>
    public WindowLimit Login { get; set; } = new() { PermitLimit = 20, WindowSeconds = 300 };

    /// <summary>POST /account/login, per email typed (known or not).</summary>
    public WindowLimit LoginPerEmail { get; set; } = new() { PermitLimit = 10, WindowSeconds = 300 };

    /// <summary>Password checks on one node: how many run at once, and how many sign-ins may wait for a turn.</summary>
    public ConcurrencyLimit PasswordChecks { get; set; } = new() { AtOnce = 1, Queue = 8 };
}

/// <summary>At most <see cref="AtOnce"/> at a time, <see cref="Queue"/> more waiting; the rest are refused.</summary>
public sealed class ConcurrencyLimit
{
    public int AtOnce { get; set; }

    public int Queue { get; set; }
}

public static class RateLimits
{
    public const string WidgetSessions = "widget-sessions";
    public const string WidgetInbox = "widget-inbox";
    public const string Login = "login";

    public static WebApplicationBuilder AddParleyRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, ct) => new ValueTask(TooManyAsync(context.HttpContext, context.Lease));
            limiter.AddPolicy(WidgetSessions, http => PerClient(http, o => o.WidgetSessions));
            limiter.AddPolicy(WidgetInbox, http => PerClient(http, o => o.WidgetInbox));
            limiter.AddPolicy(Login, http => PerClient(http, o => o.Login));
        });
        return builder;
    }

    /// <summary>
    /// The client's address: the connection's peer. Behind a load balancer, configure forwarded headers for the trusted
    /// proxies (ASP.NET Core's ForwardedHeadersOptions) so that this is the customer's address, not the balancer's.
    /// </summary>
    public static string ClientKey(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerClient(HttpContext http, Func<RateLimitOptions, WindowLimit> pick)
    {
        var options = pick(http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value).ToOptions();
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(http), _ => options);
    }

    /// <summary>A 429 ProblemDetails with Retry-After (seconds), as every limit answers.</summary>
    public static Task TooManyAsync(HttpContext http, RateLimitLease? lease) => TooMany(http, lease).ExecuteAsync(http);

    /// <summary>The 429 result of a refused lease; sets Retry-After on the response.</summary>
    public static IResult TooMany(HttpContext http, RateLimitLease? lease) =>
        TooMany(http, lease is not null && lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1));

    public static IResult TooMany(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TooMany(seconds);
    }

    private static IResult TooMany(int retryAfterSeconds) => Results.Problem(
        $"Too many requests; try again in {retryAfterSeconds} s.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
}
