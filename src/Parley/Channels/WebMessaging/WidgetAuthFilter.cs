namespace Parley.Channels.WebMessaging;

/// <summary>Rejects widget calls without a valid session token; the token is a bearer header, or a query value for EventSource.</summary>
public sealed class WidgetAuthFilter(WidgetTokens tokens) : IEndpointFilter
{
    private const string ItemKey = "parley.widget.caller";

    public static WidgetCaller Caller(HttpContext http) => (WidgetCaller)http.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : http.Request.Query["access_token"].ToString();
        var caller = tokens.Validate(token);
        if (caller is null)
        {
            return TypedResults.Problem(
                string.IsNullOrEmpty(token) ? "A widget session token is required (Authorization: Bearer <token>)." : "The session token is not valid.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
        }

        http.Items[ItemKey] = caller;
        return await next(context);
    }
}

/// <summary>Marks an endpoint that accepts a larger body than the default API limit.</summary>
public sealed record LargeBody(long MaxBytes);
