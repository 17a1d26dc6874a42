using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Parley.Demo;

/// <summary>
/// GET /demo/api/parcels/{number}: the demo's stand-in for a postal operator's tracking API, which bot flows call with
/// their API step (snake_case JSON, 404 ProblemDetails for a number no parcel has). Served only when Demo:Enabled.
/// </summary>
public static class ParcelApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapParcelApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/demo/api/parcels/{number}", GetParcel).ExcludeFromDescription();
        return app;
    }

    private static Results<JsonHttpResult<Parcel>, ProblemHttpResult> GetParcel(string number, IOptions<DemoOptions> options, TimeProvider clock)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.Problem("The demo workspace is disabled (Demo:Enabled).", statusCode: StatusCodes.Status404NotFound);
        }

        var normalized = DemoParcels.Normalize(number);
        if (normalized is null)
        {
            return TypedResults.Problem(
                "A tracking number has 2 letters, 9 digits and 2 letters (RR123456785IT), or 12 to 13 digits.",
                statusCode: StatusCodes.Status404NotFound, title: "Not a tracking number");
        }

        return DemoParcels.Find(normalized, clock.GetUtcNow()) is { } parcel
            ? TypedResults.Json(parcel, Json)
            : TypedResults.Problem($"No parcel has the number {normalized}.", statusCode: StatusCodes.Status404NotFound, title: "Unknown parcel");
    }
}
