using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts;

/// <summary>A customer's attributes, tags and notes, for the advisors of the contact's account.</summary>
public static class ContactProfileApi
{
    public sealed record AttributeInput(string? Value);

    public sealed record TagInput(string? Tag);

    public sealed record NoteInput(string? Text);

    public sealed record NoteCreated(long Id);

    public static IEndpointRouteBuilder MapContactProfileApi(this IEndpointRouteBuilder app)
    {
        var contacts = app.MapGroup("/api/console/contacts/{id:long}").WithTags("Console").ExcludeFromDescription();
        contacts.MapGet("/profile", ReadAsync);
        contacts.MapPut("/attributes/{name}", (long id, string name, AttributeInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct) =>
            ActAsync(http, dbs, advisor => profiles.SetAttributeAsync(advisor, id, name, input.Value, ct), ct));
        contacts.MapDelete("/attributes/{name}", (long id, string name, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct) =>
            ActAsync(http, dbs, advisor => profiles.RemoveAttributeAsync(advisor, id, name, ct), ct));
        contacts.MapPost("/tags", (long id, TagInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct) =>
            ActAsync(http, dbs, advisor => profiles.AddTagAsync(advisor, id, input.Tag, ct), ct));
        contacts.MapDelete("/tags/{tag}", (long id, string tag, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct) =>
            ActAsync(http, dbs, advisor => profiles.RemoveTagAsync(advisor, id, tag, ct), ct));
        contacts.MapPost("/notes", AddNoteAsync);
        contacts.MapDelete("/notes/{noteId:long}", (long id, long noteId, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct) =>
            ActAsync(http, dbs, advisor => profiles.DeleteNoteAsync(advisor, id, noteId, ct), ct));
        return app;
    }

    private static async Task<Results<Ok<ContactProfileView>, ProblemHttpResult>> ReadAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await profiles.ReadAsync(advisor, id, ct) is { } profile ? TypedResults.Ok(profile) : Problem(ProfileOutcome.NotFound);
    }

    private static async Task<Results<Created<NoteCreated>, ProblemHttpResult>> AddNoteAsync(
        long id, NoteInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactProfiles profiles, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var (outcome, noteId) = await profiles.AddNoteAsync(advisor, id, input.Text, ct);
        return noteId is { } created ? TypedResults.Created($"/api/console/contacts/{id}/notes/{created}", new NoteCreated(created)) : Problem(outcome);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ActAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<ProfileOutcome>> act, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await act(advisor);
        return outcome == ProfileOutcome.Done ? TypedResults.NoContent() : Problem(outcome);
    }

    private static ProblemHttpResult Problem(ProfileOutcome outcome) => outcome switch
    {
        ProfileOutcome.BadName => TypedResults.Problem(
            $"A name or tag has 1 to {ContactProfiles.MaxNameLength} letters, digits, spaces, '-' or '_'.", statusCode: StatusCodes.Status400BadRequest, title: "Bad name"),
        ProfileOutcome.BadValue => TypedResults.Problem(
            $"A value has 1 to {ContactProfiles.MaxValueLength} characters, a note 1 to {ContactProfiles.MaxNoteLength}.", statusCode: StatusCodes.Status400BadRequest, title: "Bad value"),
        ProfileOutcome.TooMany => TypedResults.Problem(
            $"A customer has at most {ContactProfiles.MaxAttributes} attributes and {ContactProfiles.MaxTags} tags.", statusCode: StatusCodes.Status409Conflict, title: "Too many"),
        ProfileOutcome.Forbidden => ConsoleCaller.Forbidden("Only its author or a supervisor removes a note."),
        _ => TypedResults.Problem("No such contact in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
    };
}
