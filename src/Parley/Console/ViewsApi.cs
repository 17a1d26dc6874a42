using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>Saved views as JSON for the signed-in advisor (<c>/api/console/views</c>), and tags on conversations.</summary>
public static class ViewsApi
{
    /// <param name="AccountId">Shares the view with the account's advisors (supervisors and admins); null keeps it personal.</param>
    public sealed record SaveViewRequest(string? Name, string? Query, long? AccountId);

    public sealed record TagRequest(string? Tag);

    public static IEndpointRouteBuilder MapViewsApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        console.MapGet("/views", ListAsync);
        console.MapGet("/views/{id:long}", GetAsync);
        console.MapPost("/views", CreateAsync);
        console.MapDelete("/views/{id:long}", DeleteAsync);
        console.MapPost("/conversations/{id:long}/tags", AddTagAsync);
        console.MapDelete("/conversations/{id:long}/tags/{tag}", RemoveTagAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<SavedViewDto>>, ProblemHttpResult>> ListAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, SavedViews views, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { } advisor ? TypedResults.Ok(await views.VisibleAsync(advisor, ct)) : ConsoleCaller.NotSignedIn();

    private static async Task<Results<Ok<SavedViewDto>, ProblemHttpResult>> GetAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, SavedViews views, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await views.GetAsync(advisor, id, ct) is { } view ? TypedResults.Ok(view) : Problem(ViewRefusal.NotFound, "No such view.");
    }

    private static async Task<Results<Created<SavedViewDto>, ProblemHttpResult>> CreateAsync(
        SaveViewRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, SavedViews views, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await views.CreateAsync(advisor, request.Name, request.Query, request.AccountId, ct);
        return outcome.View is { } view ? TypedResults.Created($"/api/console/views/{view.Id}", view) : Problem(outcome.Refusal, outcome.Problem);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, SavedViews views, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await views.DeleteAsync(advisor, id, ct);
        return outcome.View is null ? Problem(outcome.Refusal, outcome.Problem) : TypedResults.NoContent();
    }

    private static Task<Results<NoContent, ProblemHttpResult>> AddTagAsync(
        long id, TagRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationTags tags, CancellationToken ct) =>
        TagAsync(http, dbs, advisor => tags.AddAsync(advisor, id, request.Tag, ct), ct);

    private static Task<Results<NoContent, ProblemHttpResult>> RemoveTagAsync(
        long id, string tag, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationTags tags, CancellationToken ct) =>
        TagAsync(http, dbs, advisor => tags.RemoveAsync(advisor, id, tag, ct), ct);

    private static async Task<Results<NoContent, ProblemHttpResult>> TagAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<TagOutcome>> change, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await change(advisor) switch
        {
            TagOutcome.Done => TypedResults.NoContent(),
            TagOutcome.BadTag => Problem(ViewRefusal.BadInput, $"A tag has 1 to {ConversationTags.MaxLength} letters, digits, spaces, '-' or '_'."),
            TagOutcome.TooMany => Problem(ViewRefusal.BadInput, $"At most {ConversationTags.MaxPerConversation} tags on a conversation."),
            _ => Problem(ViewRefusal.NotFound, "No such conversation in your accounts."),
        };
    }

    private static ProblemHttpResult Problem(ViewRefusal? refusal, string? detail) => refusal switch
    {
        ViewRefusal.Forbidden => ConsoleCaller.Forbidden(detail ?? "Not allowed."),
        ViewRefusal.NotFound => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        _ => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request"),
    };
}
