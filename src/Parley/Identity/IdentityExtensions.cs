using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Identity;

public static class IdentityExtensions
{
    public const string AdvisorIdClaim = "parley:advisor";

    public static WebApplicationBuilder AddParleyIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.Cookie.Name = "parley.console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<IPasswordHasher<Advisor>, PasswordHasher<Advisor>>();
        builder.Services.AddScoped<CurrentAdvisor>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", LoginAsync).AllowAnonymous();
        app.MapPost("/account/logout", async (HttpContext http, IDbContextFactory<ParleyDb> dbs, Conversations.ConversationActions actions, CancellationToken ct) =>
        {
            if (await FormForgedAsync(http) is { } forged)
            {
                return forged;
            }

            // Signing out ends availability: routing must not keep allocating to someone who left.
            if (long.TryParse(http.User.FindFirst(AdvisorIdClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && await CurrentAdvisor.LoadAsync(dbs, id, ct) is { } advisor)
            {
                await actions.SetPresenceAsync(advisor, Presence.Offline, ct);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, IPasswordHasher<Advisor> hasher, CancellationToken ct)
    {
        // Without this, another site could post its own credentials here and sign a visitor in as someone else.
        if (await FormForgedAsync(http) is { } forged)
        {
            return forged;
        }

        var form = await http.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var advisor = await db.Advisors.AsNoTracking().FirstOrDefaultAsync(a => a.Email == email, ct);
        var verified = advisor is not null && hasher.VerifyHashedPassword(advisor, advisor.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (!verified)
        {
            return Results.LocalRedirect("/login?error=1");
        }

        var identity = new ClaimsIdentity(
            [new Claim(AdvisorIdClaim, advisor!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, advisor.DisplayName)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(Uri.IsWellFormedUriString(returnUrl, UriKind.Relative) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/console");
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
