namespace Parley.Channels.WebMessaging;

/// <summary>
/// Rejects widget calls without a valid session token in an <c>Authorization: Bearer</c> header. The event stream,
/// which a browser's EventSource opens without headers, also takes a short-lived stream ticket as <c>?ticket=</c>;
/// a session token is never taken from a URL.
/// </summary>
public sealed class WidgetAuthFilter(WidgetTokens tokens, TimeProvider clock) : IEndpointFilter
{
    private const string ItemKey = "parley.widget.caller";

    public static WidgetCaller Caller(HttpContext http) => (WidgetCaller)http.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var ticket = http.GetEndpoint()?.Metadata.GetMetadata<StreamTicketAccepted>() is not null ? http.Request.Query["ticket"].ToString() : "";
        var caller = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? tokens.Validate(header["Bearer ".Length..].Trim())
            : tokens.ValidateStreamTicket(ticket, clock.GetUtcNow());
        if (caller is null)
        {
            return TypedResults.Problem(
                header.Length == 0 && ticket.Length == 0
                    ? "A widget session token is required (Authorization: Bearer <token>)."
                    : "The session token or stream ticket is not valid, or the ticket has expired.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated");
        }

        http.Items[ItemKey] = caller;
        return await next(context);
    }
}

/// <summary>Marks the endpoint that also accepts a stream ticket in the query string (the event stream).</summary>
public sealed record StreamTicketAccepted;

/// <summary>Marks an endpoint that accepts a larger body than the default API limit.</summary>
public sealed record LargeBody(long MaxBytes);
