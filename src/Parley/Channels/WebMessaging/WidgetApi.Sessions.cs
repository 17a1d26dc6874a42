using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Contacts;
using Parley.Hosting;

namespace Parley.Channels.WebMessaging;

/// <summary>Starting and renewing widget sessions: guests, signed-in customers and their signed profiles.</summary>
public static partial class WidgetApi
{
    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> CreateSession(
        SessionRequest request, WidgetInboxes inboxes, ContactDirectory contacts, WidgetSessions sessions, ContactMerge merge, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Inbox))
        {
            return BadRequest("The inbox key is required.");
        }

        if (!WidgetInboxes.IsWellFormedKey(request.Inbox))
        {
            return MalformedKey();
        }

        if (request.Name?.Length > 200 || request.Email?.Length > 320)
        {
            return BadRequest("Name or email is too long.");
        }

        if (InputText.FirstProblem(("userId", request.UserId, false), ("name", request.Name, false), ("email", request.Email, false)) is { } textProblem)
        {
            return BadRequest(textProblem);
        }

        if (request.GuestId is not null)
        {
            return BadRequest("guestId is not accepted: a returning guest resumes with its refresh token (POST /sessions/refresh).");
        }

        if (await inboxes.FindByKeyAsync(request.Inbox, ct) is not (var inbox, var widget))
        {
            return UnknownInbox();
        }

        if (request.UserId is null)
        {
            // A guest's session stores nothing: the contact comes with the first message or the opened conversation.
            var guestId = WidgetSessions.NewGuestId();
            var guest = await sessions.IssueAsync(inbox.Id, WidgetClaims.GuestSubject(guestId), ct);
            return TypedResults.Ok(Response(guest, null, guestId, false));
        }

        if (request.UserId.Length is 0 or > 200)
        {
            return BadRequest("userId must be 1 to 200 characters.");
        }

        if (!IdentityVerification.IsValid(widget.IdentitySecret, request.UserId, request.UserHash))
        {
            return TypedResults.Problem("userHash is not the HMAC-SHA256 of userId with this inbox's identity secret.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Identity not verified");
        }

        // The user hash proves who the customer is, not what their name is: a profile changes the contact only when the
        // site signed it too, so whoever replays a user hash cannot rewrite the customer's name or email.
        ContactProfile? profile = null;
        if (request.ProfileHash is not null)
        {
            if (!IdentityVerification.IsValidProfile(widget.IdentitySecret, request.UserId, request.Name, request.Email, request.ProfileHash))
            {
                return TypedResults.Problem("profileHash is not the HMAC-SHA256 of userId, name and email (joined by line feeds) with this inbox's identity secret.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Profile not verified");
            }

            profile = new ContactProfile(request.Name, request.Email);
        }

        var contact = await contacts.FindOrCreateAsync(inbox, WidgetSessions.UserExternalId(request.UserId), verified: true, profile, ct);

        // The guest this browser was until now becomes the signed-in customer: its conversation joins their history. Only a
        // guest of this inbox, proven by its own refresh token; a token that is not one is ignored (the sign-in goes on).
        if (await sessions.ValidateAsync(request.GuestRefreshToken, TokenPurpose.Refresh, ct) is { GuestId: not null } previous && previous.InboxId == inbox.Id
            && await sessions.ResolveAsync(previous, ct) is { HasContact: true } guestCaller && guestCaller.ContactId != contact)
        {
            await merge.MergeAsync(inbox.AccountId, contact, guestCaller.ContactId, ct);
        }

        var issued = await sessions.IssueAsync(inbox.Id, WidgetClaims.ContactSubject(contact), ct);
        return TypedResults.Ok(Response(issued, contact, null, true));
    }

    /// <summary>A new token pair for a valid refresh token: the widget calls it before its session token expires.</summary>
    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> RefreshSession(RefreshRequest request, WidgetSessions sessions, CancellationToken ct)
    {
        var claims = await sessions.ValidateAsync(request.RefreshToken, TokenPurpose.Refresh, ct);
        var caller = claims is null ? null : await sessions.ResolveAsync(claims, ct);
        if (claims is null || caller is null)
        {
            return TypedResults.Problem("The refresh token is not valid, has expired or was revoked: start a new session.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Invalid refresh token");
        }

        var issued = await sessions.IssueAsync(claims.InboxId, claims.Subject, ct);
        return TypedResults.Ok(Response(issued, caller.HasContact ? caller.ContactId : null, claims.GuestId, claims.GuestId is null));
    }

    private static SessionResponse Response(IssuedSession issued, long? contactId, string? guestId, bool verified) =>
        new(issued.Token, issued.ExpiresAt, (int)issued.Lifetime.TotalSeconds, issued.RefreshToken, issued.RefreshExpiresAt, contactId, guestId, verified);
}
