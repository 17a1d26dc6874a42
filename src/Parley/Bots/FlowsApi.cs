using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

/// <summary>
/// /api/console/flows: the channel managers' flows as JSON (the console's editor uses the same calls): create, edit the
/// draft (or import YAML), validate, publish, history, diff, rollback, export.
/// </summary>
public static class FlowsApi
{
    public static IEndpointRouteBuilder MapFlowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/flows").WithTags("Flows").ExcludeFromDescription();
        group.MapGet("/", (HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.ListAsync(advisor, ct), ct));
        group.MapPost("/", (FlowInput input, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.CreateAsync(advisor, input, ct), ct, created: true));
        group.MapGet("/{id:long}", (long id, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.GetAsync(advisor, id, ct), ct));
        group.MapPut("/{id:long}/draft", (long id, DraftInput input, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.SaveDraftAsync(advisor, id, input.Yaml ?? string.Empty, ct), ct));
        group.MapPost("/{id:long}/validate", (long id, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.ValidateAsync(advisor, id, ct), ct));
        group.MapPost("/{id:long}/publish", (long id, PublishInput? input, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.PublishAsync(advisor, id, input?.Note, ct), ct));
        group.MapPost("/{id:long}/rollback", (long id, RollbackInput input, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.RollbackAsync(advisor, id, input.Version, ct), ct));
        group.MapGet("/{id:long}/versions", (long id, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.VersionsAsync(advisor, id, ct), ct));
        group.MapGet("/{id:long}/diff", (long id, int from, int? to, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => flows.DiffAsync(advisor, id, from, to ?? 0, ct), ct));
        group.MapPost("/{id:long}/preview", (long id, PreviewInput input, HttpContext http, FlowPreview preview, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => preview.RunAsync(advisor, id, input, ct), ct));
        group.MapGet("/{id:long}/export", ExportAsync);
        return app;
    }

    /// <summary>A version's YAML (the draft when none is named), as a file to keep as code.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        long id, int? version, HttpContext http, FlowManagement flows, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var result = await flows.DocumentAsync(advisor, id, version ?? 0, ct);
        return result.Value is string yaml
            ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(yaml), "application/yaml; charset=utf-8", $"flow-{id}{(version is { } v ? $"-v{v}" : "-draft")}.yaml")
            : Problem(result);
    }

    private static async Task<IResult> RunAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<FlowResult>> action, CancellationToken ct, bool created = false)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var result = await action(advisor);
        if (result.Outcome != ManagementOutcome.Done)
        {
            return Problem(result);
        }

        return created && result.Value is FlowDetail detail
            ? TypedResults.Created($"/api/console/flows/{detail.Flow.Id}", detail)
            : TypedResults.Ok(result.Value);
    }

    private static ProblemHttpResult Problem(FlowResult result)
    {
        var status = result.Outcome switch
        {
            ManagementOutcome.Forbidden => StatusCodes.Status403Forbidden,
            ManagementOutcome.NotFound => StatusCodes.Status404NotFound,
            ManagementOutcome.Conflict => StatusCodes.Status409Conflict,
            _ when result.Problems is not null => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status400BadRequest,
        };
        var extensions = result.Problems is null ? null : new Dictionary<string, object?> { ["problems"] = result.Problems };
        return TypedResults.Problem(result.Problem, statusCode: status, extensions: extensions);
    }
}
