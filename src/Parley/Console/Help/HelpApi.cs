using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Help;

public sealed record HelpInput(string? Note);

public sealed record HelpText(string? Text);

/// <summary>
/// Help requests over JSON: asked on a conversation (/api/console/conversations/{id}/help), listed for helpers
/// (/api/console/help), and acted on by id (/api/console/help/{id}/answer, whisper, join, take-over, close).
/// </summary>
public static class HelpApi
{
    public static WebApplicationBuilder AddHelpRequests(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HelpRequests>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHelpRequests(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        console.MapPost("/conversations/{id:long}/help", (long id, HelpInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.AskAsync(advisor, id, input.Note ?? "", ct), created: true, ct));
        console.MapGet("/conversations/{id:long}/help", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            ListAsync(http, dbs, advisor => help.OnConversationAsync(advisor, id, ct), ct));
        console.MapGet("/help", (HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            ListAsync(http, dbs, async advisor => (IReadOnlyList<HelpRequestView>?)await help.PendingAsync(advisor, ct), ct));
        console.MapPost("/help/{id:long}/answer", (long id, HelpText input, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.AnswerAsync(advisor, id, input.Text ?? "", ct), created: false, ct));
        console.MapPost("/help/{id:long}/whisper", (long id, HelpText input, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.WhisperAsync(advisor, id, input.Text ?? "", ct), created: false, ct));
        console.MapPost("/help/{id:long}/join", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.JoinAsync(advisor, id, ct), created: false, ct));
        console.MapPost("/help/{id:long}/take-over", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.TakeOverAsync(advisor, id, ct), created: false, ct));
        console.MapPost("/help/{id:long}/close", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, HelpRequests help, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => help.CloseAsync(advisor, id, ct), created: false, ct));
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<HelpRequestView>>, ProblemHttpResult>> ListAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<IReadOnlyList<HelpRequestView>?>> list, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await list(advisor) is { } requests
            ? TypedResults.Ok(requests)
            : TypedResults.Problem("No such conversation in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }

    private static async Task<Results<Created<HelpRequestView>, Ok<HelpRequestView>, ProblemHttpResult>> RunAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<HelpOutcome>> act, bool created, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await act(advisor);
        return outcome switch
        {
            { Result: HelpResult.Ok, Request: { } request } when created => TypedResults.Created($"/api/console/help/{request.Id}", request),
            { Result: HelpResult.Ok, Request: { } request } => TypedResults.Ok(request),
            { Result: HelpResult.NotFound } => ConsoleProblems.NotFound(outcome.Detail!),
            { Result: HelpResult.Forbidden } => ConsoleCaller.Forbidden(outcome.Detail!),
            { Result: HelpResult.Conflict } => ConsoleProblems.Conflict(outcome.Detail!),
            _ => ConsoleProblems.Invalid(outcome.Detail ?? "The help request is gone."),
        };
    }
}
