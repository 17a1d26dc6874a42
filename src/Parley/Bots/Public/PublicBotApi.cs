using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots.Public;

/// <summary>
/// /api/console/connections/{id}/public-bot and /api/console/posts/{id}/crisis: the channel managers' choices for public
/// messages as JSON, for scripts and the console alike (<see cref="PublicBotManagement"/>).
/// </summary>
public static class PublicBotApi
{
    public static IEndpointRouteBuilder MapPublicBotApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/connections/{id:long}/public-bot", (long id, HttpContext http, PublicBotManagement management, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => management.GetAsync(advisor, id, ct), ct));
        group.MapPut("/connections/{id:long}/public-bot",
            (long id, PublicBotSettings? settings, HttpContext http, PublicBotManagement management, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
                RunAsync(http, dbs, advisor => management.SaveAsync(advisor, id, settings, ct), ct));
        group.MapPut("/posts/{id:long}/crisis",
            (long id, CrisisInput input, HttpContext http, PublicBotManagement management, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
                RunAsync(http, dbs, advisor => management.FlagCrisisAsync(advisor, id, input.Crisis, ct), ct));
        return app;
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> RunAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<PublicBotResult>> action, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var result = await action(advisor);
        return result.Outcome switch
        {
            ManagementOutcome.Done => TypedResults.Ok(result.Value!),
            ManagementOutcome.Forbidden => ConsoleCaller.Forbidden(result.Problem ?? PublicBotManagement.Refusal),
            ManagementOutcome.NotFound => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            _ => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid input"),
        };
    }
}
