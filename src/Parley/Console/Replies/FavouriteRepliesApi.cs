using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Replies;

public sealed record RenderedReply(long ReplyId, long ConversationId, string Text);

/// <summary>/api/console/favourite-replies: list what the advisor may use, create, edit, delete, and render one for a conversation.</summary>
public static class FavouriteRepliesApi
{
    public static IEndpointRouteBuilder MapFavouriteRepliesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/favourite-replies").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:long}", EditAsync);
        group.MapDelete("/{id:long}", DeleteAsync);
        group.MapGet("/{id:long}/rendered", RenderAsync);
        return app;
    }

    /// <summary>Every reply the advisor may use, or those usable in one conversation (its account's) when <c>conversationId</c> is given.</summary>
    private static async Task<Results<Ok<IReadOnlyList<FavouriteReplyView>>, ProblemHttpResult>> ListAsync(
        long? conversationId, HttpContext http, IDbContextFactory<ParleyDb> dbs, FavouriteReplies replies, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        long? accountId = null;
        if (conversationId is { } id)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            accountId = await db.Conversations.Where(c => c.Id == id).Select(c => (long?)c.AccountId).FirstOrDefaultAsync(ct);
            if (accountId is null || !advisor.CanAccess(accountId.Value))
            {
                return ConsoleProblems.NotFound("No such conversation in your accounts.");
            }
        }

        return TypedResults.Ok(await replies.ListAsync(advisor, accountId, ct));
    }

    private static async Task<Results<Created<FavouriteReplyView>, ProblemHttpResult>> CreateAsync(
        FavouriteReplyInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, FavouriteReplies replies, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await replies.CreateAsync(advisor, input, ct);
        return outcome.Reply is { } reply ? TypedResults.Created($"/api/console/favourite-replies/{reply.Id}", reply) : Problem(outcome);
    }

    private static async Task<Results<Ok<FavouriteReplyView>, ProblemHttpResult>> EditAsync(
        long id, FavouriteReplyEdit edit, HttpContext http, IDbContextFactory<ParleyDb> dbs, FavouriteReplies replies, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await replies.EditAsync(advisor, id, edit, ct);
        return outcome.Reply is { } reply ? TypedResults.Ok(reply) : Problem(outcome);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, FavouriteReplies replies, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await replies.DeleteAsync(advisor, id, ct);
        return outcome.Kind == ReplyOutcomeKind.Ok ? TypedResults.NoContent() : Problem(outcome);
    }

    private static async Task<Results<Ok<RenderedReply>, ProblemHttpResult>> RenderAsync(
        long id, long conversationId, HttpContext http, IDbContextFactory<ParleyDb> dbs, FavouriteReplies replies, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await replies.RenderAsync(advisor, id, conversationId, ct) is { } text
            ? TypedResults.Ok(new RenderedReply(id, conversationId, text))
            : ConsoleProblems.NotFound("No such favourite reply or conversation of yours.");
    }

    private static ProblemHttpResult Problem(ReplyOutcome outcome) => outcome.Kind switch
    {
        ReplyOutcomeKind.Forbidden => ConsoleCaller.Forbidden(outcome.Problem!),
        ReplyOutcomeKind.Invalid => ConsoleProblems.Invalid(outcome.Problem!),
        _ => ConsoleProblems.NotFound(outcome.Problem ?? "Not found."),
    };
}
