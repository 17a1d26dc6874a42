using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Hosting;

namespace Parley.Identity;

/// <summary>The console's sign-in and sign-out forms (POST /account/login, /account/logout).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Login);
        app.MapPost("/account/logout", LogoutAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, AdvisorSignIn signIn, LoginLimiter limiter, CancellationToken ct)
    {
        // Without this, another site could post its own credentials here and sign a visitor in as someone else.
        if (await FormForgedAsync(http) is { } forged)
        {
            return forged;
        }

        var form = await http.Request.ReadFormAsync(ct);
        var email = AdvisorSignIn.NormaliseEmail(form["email"]);
        using var lease = limiter.Acquire(email);
        if (!lease.IsAcquired)
        {
            return RateLimits.TooMany(http, lease);
        }

        using var turn = await limiter.AcquireCheckAsync(ct);
        if (!turn.IsAcquired)
        {
            return RateLimits.TooMany(http, TimeSpan.FromSeconds(1));
        }

        var advisor = await signIn.CheckAsync(email, form["password"].ToString(), ct);
        if (advisor is null)
        {
            // The same answer for an unknown email, a wrong password and a locked account.
            return Results.LocalRedirect("/login?error=1");
        }

        var identity = SessionStamps.Identity(advisor, CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        var returnUrl = form["returnUrl"].ToString();
        return Results.LocalRedirect(Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/console");
    }

    private static async Task<IResult> LogoutAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationActions actions, AdvisorSecurity security, CancellationToken ct)
    {
        if (await FormForgedAsync(http) is { } forged)
        {
            return forged;
        }

        if (http.User.AdvisorId() is { } id)
        {
            // Signing out ends availability: routing must not keep allocating to someone who left.
            if (await CurrentAdvisor.LoadAsync(dbs, id, ct) is { } advisor)
            {
                await actions.SetPresenceAsync(advisor, Presence.Offline, ct);
            }

            // And it ends the session on the server: a copy of this cookie is refused from now on.
            await security.EndSessionsAsync(id, ct);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.LocalRedirect("/login");
    }

    /// <summary>The account forms carry an antiforgery token; a post without a valid one gets a 400 ProblemDetails.</summary>
    private static async Task<IResult?> FormForgedAsync(HttpContext http)
    {
        bool valid;
        try
        {
            valid = await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            // The form could not even be read (a malformed multipart body, say): the caller's doing, not a 500.
            valid = false;
        }

        return valid
            ? null
            : Results.Problem("The form expired or did not come from Parley: reload the page and try again.",
                statusCode: StatusCodes.Status400BadRequest, title: "Invalid form");
    }
}
