using Microsoft.AspNetCore.Http.HttpResults;

namespace Parley.Identity;

/// <summary>The 4xx answers of the console's JSON endpoints besides <see cref="ConsoleCaller"/>'s 401 and 403.</summary>
public static class ConsoleProblems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A short single-line name (a team's, a reply's title): null when fine, else why not.</summary>
    public static string? NameProblem(string? value, string field, int max) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Length > max
            ? $"{field} has 1 to {max} characters."
            : Hosting.InputText.Problem(value, field);
}
