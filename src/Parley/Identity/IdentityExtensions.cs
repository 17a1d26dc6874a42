using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Parley.Identity;

public static class IdentityExtensions
{
    public const string AdvisorIdClaim = "parley:advisor";

    /// <summary>The advisor's security stamp when the cookie was issued (see <see cref="SessionStamps"/>).</summary>
    public const string SecurityStampClaim = "parley:stamp";

    /// <summary>The signed-in advisor's id from the session's claims; null when the principal is no advisor's.</summary>
    public static long? AdvisorId(this System.Security.Claims.ClaimsPrincipal user) =>
        long.TryParse(user.FindFirst(AdvisorIdClaim)?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    public static WebApplicationBuilder AddParleyIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdvisorLockoutOptions>().BindConfiguration(AdvisorLockoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdvisorSessionOptions>().BindConfiguration(AdvisorSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.Cookie.Name = "parley.console";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
                options.SlidingExpiration = true;
                options.EventsType = typeof(AdvisorCookieEvents);
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AdvisorSessionOptions>>((cookie, session) => cookie.Cookie.SecurePolicy = session.Value.CookieSecurePolicy);
        // The forms' antiforgery cookie was never Secure; Always is not an option for it, as antiforgery then refuses every
        // request that does not look like HTTPS (behind a TLS proxy without forwarded headers: all of them).
        services.Configure<AntiforgeryOptions>(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, AdvisorAuthenticationStateProvider>();
        services.AddSingleton<IPasswordHasher<Advisor>, PasswordHasher<Advisor>>();
        services.AddSingleton<SessionStamps>();
        services.AddSingleton<AdvisorCookieEvents>();
        services.AddSingleton<AdvisorSecurity>();
        services.AddSingleton<AdvisorSignIn>();
        services.AddSingleton<LoginLimiter>();
        services.AddScoped<CurrentAdvisor>();
        return builder;
    }
}
