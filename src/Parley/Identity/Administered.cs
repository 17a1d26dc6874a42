using Microsoft.AspNetCore.Http.HttpResults;

namespace Parley.Identity;

public enum AdminRefusal
{
    None,
    NotFound,
    Forbidden,
    Invalid,
    Conflict,
}

/// <summary>The answer of an administration action (advisors, queues): the value, or why there is none.</summary>
public sealed record Administered<T>(T? Value, AdminRefusal Refusal = AdminRefusal.None, string? Detail = null)
{
    public bool Done => Refusal == AdminRefusal.None;

    public static implicit operator Administered<T>(T value) => new(value);
}

public static class Administered
{
    public static Administered<T> Refused<T>(AdminRefusal refusal, string detail) => new(default, refusal, detail);

    /// <summary>The refusal as the console's JSON endpoints answer it (a ProblemDetails 4xx).</summary>
    public static ProblemHttpResult Problem<T>(Administered<T> refused) => refused.Refusal switch
    {
        AdminRefusal.NotFound => ConsoleProblems.NotFound(refused.Detail!),
        AdminRefusal.Forbidden => ConsoleCaller.Forbidden(refused.Detail!),
        AdminRefusal.Conflict => ConsoleProblems.Conflict(refused.Detail!),
        _ => ConsoleProblems.Invalid(refused.Detail!),
    };
}
