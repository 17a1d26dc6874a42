using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Notes;

public sealed record NoteInput(string Body);

/// <summary>
/// Internal notes of a conversation (/api/console/conversations/{id}/notes) and the signed-in advisor's mentions
/// (/api/console/mentions).
/// </summary>
public static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        console.MapGet("/conversations/{id:long}/notes", ListAsync);
        console.MapPost("/conversations/{id:long}/notes", AddAsync);
        console.MapGet("/mentions", MentionsAsync);
        console.MapPost("/mentions/{id:long}/read", ReadAsync);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<NoteView>>, ProblemHttpResult>> ListAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationNotes notes, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await notes.ListAsync(advisor, id, ct) is { } list ? TypedResults.Ok(list) : NotFound();
    }

    private static async Task<Results<Created<NoteView>, ProblemHttpResult>> AddAsync(
        long id, NoteInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationNotes notes, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await notes.AddAsync(advisor, id, input.Body ?? "", ct);
        return outcome switch
        {
            { Note: { } note } => TypedResults.Created($"/api/console/conversations/{id}/notes", note),
            { NotFound: true } => NotFound(),
            _ => ConsoleProblems.Invalid(outcome.Problem!),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<MentionView>>, ProblemHttpResult>> MentionsAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationNotes notes, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { } advisor
            ? TypedResults.Ok(await notes.UnreadMentionsAsync(advisor, ct))
            : ConsoleCaller.NotSignedIn();

    private static async Task<Results<NoContent, ProblemHttpResult>> ReadAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationNotes notes, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        // Another advisor's mention is answered as missing, like one that was never there; reading twice is fine.
        return await notes.MarkReadAsync(advisor, id, null, ct) > 0 || await IsOwnAsync(dbs, advisor, id, ct)
            ? TypedResults.NoContent()
            : ConsoleProblems.NotFound("No such mention of yours.");
    }

    private static async Task<bool> IsOwnAsync(IDbContextFactory<ParleyDb> dbs, AdvisorSession advisor, long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.NoteMentions.AnyAsync(m => m.Id == id && m.AdvisorId == advisor.Id, ct);
    }

    private static ProblemHttpResult NotFound() => ConsoleProblems.NotFound("No such conversation in your accounts.");
}
