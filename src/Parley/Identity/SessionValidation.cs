using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;

namespace Parley.Identity;

/// <summary>Every request with a session cookie: a cookie whose stamp is no longer the advisor's is refused and deleted.</summary>
public sealed class AdvisorCookieEvents(SessionStamps stamps) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null || !await stamps.IsCurrentAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}

/// <summary>
/// An open console (a Blazor circuit) checked its cookie once, when it connected: this checks the session again every
/// <see cref="AdvisorSessionOptions.CircuitRevalidateSeconds"/>, and the console leaves as soon as it ended.
/// </summary>
public sealed class AdvisorAuthenticationStateProvider(
    ILoggerFactory loggers, SessionStamps stamps, IOptions<AdvisorSessionOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(options.Value.CircuitRevalidateSeconds);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        stamps.IsCurrentAsync(authenticationState.User, cancellationToken);
}
