using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Console.Supervision;

/// <summary>The supervision view as JSON (what the page shows and does, for automation): supervisors and admins only.</summary>
public static class SupervisionApi
{
    public sealed record PresenceChange(Presence Presence);

    public static WebApplicationBuilder AddSupervision(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SupervisionOptions>().BindConfiguration(SupervisionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SupervisionQueries>();
        builder.Services.AddSingleton<SupervisionActions>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSupervision(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/supervision").WithTags("Supervision").ExcludeFromDescription();
        group.MapGet("/accounts", AccountsAsync);
        group.MapGet("/accounts/{accountId:long}", BoardAsync);
        group.MapGet("/queues/{id:long}/conversations", QueueConversationsAsync);
        group.MapPut("/queues/{id:long}/targets", (long id, QueueTargetsDto targets, HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionActions actions, CancellationToken ct) =>
            ActAsync(http, dbs, by => actions.SetTargetsAsync(by, id, targets, ct), ct));
        group.MapPost("/conversations/{id:long}/reassign", (long id, TransferRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionActions actions, CancellationToken ct) =>
            ActAsync(http, dbs, by => actions.ReassignAsync(by, id, request, ct), ct));
        group.MapPut("/advisors/{id:long}/presence", (long id, PresenceChange request, HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionActions actions, CancellationToken ct) =>
            ActAsync(http, dbs, by => Enum.IsDefined(request.Presence)
                ? actions.SetPresenceAsync(by, id, request.Presence, ct)
                : Task.FromResult(Supervised.Refused<bool>(SupervisionRefusal.Invalid, "Presence is away or offline.")), ct));
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<SupervisedAccount>>, ProblemHttpResult>> AccountsAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionQueries queries, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } by)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return by.CanSupervise ? TypedResults.Ok(await queries.AccountsAsync(by, ct)) : ConsoleCaller.Forbidden("Only supervisors and admins supervise the floor.");
    }

    private static async Task<Results<Ok<SupervisionBoard>, ProblemHttpResult>> BoardAsync(
        long accountId, long? teamId, HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionQueries queries, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { } by ? Answer(await queries.BoardAsync(by, accountId, teamId, ct)) : ConsoleCaller.NotSignedIn();

    private static async Task<Results<Ok<IReadOnlyList<QueueConversation>>, ProblemHttpResult>> QueueConversationsAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, SupervisionQueries queries, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { } by ? Answer(await queries.QueueConversationsAsync(by, id, ct)) : ConsoleCaller.NotSignedIn();

    private static async Task<Results<NoContent, ProblemHttpResult>> ActAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<Supervised<bool>>> act, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } by)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await act(by);
        return outcome.Refusal == SupervisionRefusal.None ? TypedResults.NoContent() : Problem(outcome);
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Supervised<T> outcome) =>
        outcome.Refusal == SupervisionRefusal.None ? TypedResults.Ok(outcome.Value!) : Problem(outcome);

    private static ProblemHttpResult Problem<T>(Supervised<T> outcome) => outcome.Refusal switch
    {
        SupervisionRefusal.Forbidden => ConsoleCaller.Forbidden(outcome.Detail!),
        SupervisionRefusal.NotFound => ConsoleProblems.NotFound(outcome.Detail!),
        _ => ConsoleProblems.Invalid(outcome.Detail!),
    };
}
