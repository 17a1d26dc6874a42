using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Channels;

/// <summary>
/// /api/console/connections: the admins' management of connections as JSON, for scripts and the console alike. Secrets
/// go in, never out.
/// </summary>
public static class ConnectionsApi
{
    public static IEndpointRouteBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/connections").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:long}", UpdateAsync);
        group.MapPost("/{id:long}/check", CheckAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<ConnectionView>>, ProblemHttpResult>> ListAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, ConnectionManagement management, CancellationToken ct) =>
        await AdminAsync(http, dbs, ct) is not { } admin
            ? Refused(http)
            : TypedResults.Ok(await management.ListAsync(admin, ct));

    private static async Task<Results<Created<ConnectionView>, ProblemHttpResult>> CreateAsync(
        ConnectionInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConnectionManagement management, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return Refused(http);
        }

        var result = await management.CreateAsync(admin, input, ct);
        return result.Connection is { } created ? TypedResults.Created($"/api/console/connections/{created.Id}", created) : Problem(result);
    }

    private static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> UpdateAsync(
        long id, ConnectionInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConnectionManagement management, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return Refused(http);
        }

        var result = await management.UpdateAsync(admin, id, input, ct);
        return result.Connection is { } updated ? TypedResults.Ok(updated) : Problem(result);
    }

    private static async Task<Results<Ok<CheckResult>, ProblemHttpResult>> CheckAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConnectionManagement management, ConnectionCheck check, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return Refused(http);
        }

        var connection = await management.FindAsync(admin, id, ct);
        if (connection is null)
        {
            return TypedResults.Problem("No such connection in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var inboxId = await db.Connections.Where(c => c.Id == id).Select(c => c.InboxId).FirstAsync(ct);
        return TypedResults.Ok(await check.CheckAsync(inboxId, ct));
    }

    private static async Task<AdvisorSession?> AdminAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { Role: AdvisorRole.Admin } admin ? admin : null;

    private static ProblemHttpResult Refused(HttpContext http) => ConsoleCaller.Refused(http, "Only admins manage connections.");

    private static ProblemHttpResult Problem(ManagementResult result) => TypedResults.Problem(result.Problem, statusCode: result.Outcome switch
    {
        ManagementOutcome.Forbidden => StatusCodes.Status403Forbidden,
        ManagementOutcome.NotFound => StatusCodes.Status404NotFound,
        ManagementOutcome.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    });
}
