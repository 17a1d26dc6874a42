using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Identity;

/// <summary>Who calls a console JSON endpoint (the signed-in advisor, as stored now), and the refusals they get.</summary>
public static class ConsoleCaller
{
    public static async Task<AdvisorSession?> SessionAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        http.User.AdvisorId() is { } id ? await CurrentAdvisor.LoadAsync(dbs, id, ct) : null;

    public static ProblemHttpResult NotSignedIn() =>
        TypedResults.Problem("Sign in to the console first.", statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    /// <summary>401 for a caller who is not signed in, else 403 with <paramref name="forbidden"/>.</summary>
    public static ProblemHttpResult Refused(HttpContext http, string forbidden) =>
        http.User.AdvisorId() is null ? NotSignedIn() : Forbidden(forbidden);
}
