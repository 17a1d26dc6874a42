using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts;

/// <summary>Console actions on contacts and on the widget's signing keys, for the signed-in supervisors and admins.</summary>
public static class ContactsApi
{
    public sealed record RevokedSessions(long ContactId, DateTimeOffset RevokedAt);

    public sealed record WidgetKey(int Id, bool Current);

    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        console.MapPost("/contacts/{id:long}/revoke-sessions", RevokeSessionsAsync);
        console.MapGet("/contacts", SearchAsync);
        console.MapGet("/contacts/{id:long}/conversations", ConversationsAsync);
        console.MapPost("/contacts/{id:long}/link", LinkAsync);
        console.MapGet("/widget-keys", ListKeysAsync);
        console.MapPost("/widget-keys", RotateKeyAsync);
        console.MapDelete("/widget-keys/{id:int}", RetireKeyAsync);
        return app;
    }

    public sealed record LinkRequest(long ContactId);

    /// <summary>Contacts of the advisor's accounts whose name, email or phone contains <c>q</c>.</summary>
    private static async Task<Results<Ok<IReadOnlyList<ContactCard>>, ProblemHttpResult>> SearchAsync(
        string? q, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactQueries queries, CancellationToken ct) =>
        await SignedInAsync(http, dbs, ct) is not { } advisor
            ? NotSignedIn()
            : q is not { Length: >= 2 and <= 200 }
                ? TypedResults.Problem("q has 2 to 200 characters.", statusCode: StatusCodes.Status400BadRequest, title: "Bad search")
                : TypedResults.Ok(await queries.SearchAsync(advisor, q, ct));

    /// <summary>Every conversation of the contact, on every channel.</summary>
    private static async Task<Results<Ok<IReadOnlyList<ContactConversation>>, ProblemHttpResult>> ConversationsAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactQueries queries, CancellationToken ct)
    {
        if (await SignedInAsync(http, dbs, ct) is not { } advisor)
        {
            return NotSignedIn();
        }

        return await queries.CardAsync(advisor, id, ct) is null
            ? TypedResults.Problem("No such contact in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.Ok(await queries.ConversationsAsync(advisor, id, ct));
    }

    /// <summary>Two contacts are one person: the other one's identities and conversations join this one.</summary>
    private static async Task<Results<Ok<ContactCard>, ProblemHttpResult>> LinkAsync(
        long id, LinkRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactActions contacts, ContactQueries queries, CancellationToken ct)
    {
        if (await SignedInAsync(http, dbs, ct) is not { } advisor)
        {
            return NotSignedIn();
        }

        return await contacts.LinkAsync(advisor, id, request.ContactId, ct) switch
        {
            MergeOutcome.Merged => TypedResults.Ok((await queries.CardAsync(advisor, id, ct))!),
            MergeOutcome.SameContact => TypedResults.Problem("A contact is already itself.", statusCode: StatusCodes.Status400BadRequest, title: "Same contact"),
            _ => TypedResults.Problem("No such pair of contacts in one of your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        };
    }

    /// <summary>Ends every widget session of a contact at once: a blocked customer, a lost device.</summary>
    private static async Task<Results<Ok<RevokedSessions>, ProblemHttpResult>> RevokeSessionsAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ContactActions contacts, TimeProvider clock, CancellationToken ct)
    {
        var advisor = await SignedInAsync(http, dbs, ct);
        if (advisor is null)
        {
            return NotSignedIn();
        }

        return await contacts.RevokeSessionsAsync(advisor, id, ct) switch
        {
            RevokeOutcome.Revoked => TypedResults.Ok(new RevokedSessions(id, clock.GetUtcNow())),
            RevokeOutcome.Forbidden => Forbidden("Only supervisors and admins end a customer's sessions."),
            _ => TypedResults.Problem("No such contact in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        };
    }

    private static async Task<Results<Ok<List<WidgetKey>>, ProblemHttpResult>> ListKeysAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, WidgetKeyRing ring, CancellationToken ct) =>
        await AdminAsync(http, dbs, ct) is { } problem
            ? problem
            : TypedResults.Ok((await ring.ListAsync(ct)).Select(k => new WidgetKey(k.Id, k.Current)).ToList());

    /// <summary>A new signing key: sessions signed with the older ones go on, and move to the new key at their next refresh.</summary>
    private static async Task<Results<Ok<List<WidgetKey>>, ProblemHttpResult>> RotateKeyAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, WidgetKeyRing ring, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is { } problem)
        {
            return problem;
        }

        await ring.RotateAsync(ct);
        return TypedResults.Ok((await ring.ListAsync(ct)).Select(k => new WidgetKey(k.Id, k.Current)).ToList());
    }

    /// <summary>Retires an older key: every session it signed ends (refresh tokens included).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RetireKeyAsync(
        int id, HttpContext http, IDbContextFactory<ParleyDb> dbs, WidgetKeyRing ring, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is { } problem)
        {
            return problem;
        }

        return await ring.RetireAsync(id, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem("No such older key: the current key cannot be retired (rotate first).",
                statusCode: StatusCodes.Status409Conflict, title: "Cannot retire this key");
    }

    /// <summary>
    /// The key ring signs the sessions of every account's widgets: only an admin of every account manages it, so an
    /// admin of one brand cannot end another brand's customers' sessions.
    /// </summary>
    private static async Task<ProblemHttpResult?> AdminAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await SignedInAsync(http, dbs, ct) is not { } advisor)
        {
            return NotSignedIn();
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return advisor.Role == AdvisorRole.Admin && !await db.Accounts.AnyAsync(a => !advisor.AccountIds.Contains(a.Id), ct)
            ? null
            : Forbidden("Only admins of every account manage the widget's signing keys.");
    }

    private static Task<AdvisorSession?> SignedInAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        ConsoleCaller.SessionAsync(http, dbs, ct);

    private static ProblemHttpResult NotSignedIn() => ConsoleCaller.NotSignedIn();

    private static ProblemHttpResult Forbidden(string detail) => ConsoleCaller.Forbidden(detail);
}
