using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>What any signed-in advisor does to routing: transfer a conversation, change their own presence.</summary>
public static class TransferApi
{
    public sealed record Transferred(long ConversationId, AssignmentReason Reason);

    public sealed record PresenceRequest(Presence Presence);

    internal static async Task<Results<Ok<Transferred>, ProblemHttpResult>> TransferAsync(
        long id, TransferRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationActions actions, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        var outcome = await actions.TransferAsync(advisor, id, request, ct);
        if (outcome.Result == TransferResult.Done)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var reason = await db.Conversations.Where(c => c.Id == id).Select(c => c.AssignmentReason).FirstAsync(ct);
            return TypedResults.Ok(new Transferred(id, AssignmentReason.Parse(reason)!));
        }

        return outcome.Result switch
        {
            TransferResult.NotFound => RoutingAdminApi.NotFound(outcome.Detail!),
            TransferResult.Forbidden => ConsoleCaller.Forbidden(outcome.Detail!),
            _ => TypedResults.Problem(outcome.Detail, statusCode: StatusCodes.Status400BadRequest, title: "Transfer refused"),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SetPresenceAsync(
        PresenceRequest request, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationActions actions, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        if (!Enum.IsDefined(request.Presence))
        {
            return RoutingAdminApi.Bad("Presence is online, busy, away or offline.");
        }

        await actions.SetPresenceAsync(advisor, request.Presence, ct);
        return TypedResults.NoContent();
    }
}
