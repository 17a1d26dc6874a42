using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Identity;

/// <summary>
/// /api/console/advisors: admins list, create and change the advisors of their accounts, and reset their passwords
/// (the rules are <see cref="AdvisorAdministration"/>'s). A password is never returned.
/// </summary>
public static class AdvisorsApi
{
    public static IEndpointRouteBuilder MapAdvisorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/advisors").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/", (HttpContext http, IDbContextFactory<ParleyDb> dbs, AdvisorAdministration admin, CancellationToken ct) =>
            AnswerAsync(http, dbs, by => admin.ListAsync(by, ct), TypedResults.Ok, ct));
        group.MapPost("/", (NewAdvisor input, HttpContext http, IDbContextFactory<ParleyDb> dbs, AdvisorAdministration admin, CancellationToken ct) =>
            AnswerAsync(http, dbs, by => admin.CreateAsync(by, input, ct), v => TypedResults.Created($"/api/console/advisors/{v.Id}", v), ct));
        group.MapPut("/{id:long}", (long id, AdvisorEdit input, HttpContext http, IDbContextFactory<ParleyDb> dbs, AdvisorAdministration admin, CancellationToken ct) =>
            AnswerAsync(http, dbs, by => admin.EditAsync(by, id, input, ct), TypedResults.Ok, ct));
        group.MapPut("/{id:long}/password", (long id, NewPassword input, HttpContext http, IDbContextFactory<ParleyDb> dbs, AdvisorAdministration admin, CancellationToken ct) =>
            AnswerAsync(http, dbs, by => admin.ResetPasswordAsync(by, id, input, ct), _ => TypedResults.NoContent(), ct));
        return app;
    }

    /// <summary>Runs an administration action for the signed-in caller: its value as <paramref name="ok"/>, or its refusal.</summary>
    internal static async Task<Results<TOk, ProblemHttpResult>> AnswerAsync<T, TOk>(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<Administered<T>>> act, Func<T, TOk> ok, CancellationToken ct)
        where TOk : IResult
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } by)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var answer = await act(by);
        return answer.Done ? ok(answer.Value!) : Administered.Problem(answer);
    }
}
