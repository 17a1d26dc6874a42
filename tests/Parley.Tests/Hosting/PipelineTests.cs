using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Hosting;

/// <summary>
/// The console's cookie sign-in runs once per console request, and not at all for platforms' webhooks and the widget's
/// API, which authenticate in their own way (signatures, bearer tokens) and take the most traffic.
/// </summary>
public sealed class PipelineTests
{
    [Fact]
    public async Task The_console_cookie_is_checked_once_for_the_console_and_never_for_webhooks_or_the_widget()
    {
        var checks = new CountingCookieEvents();
        await using var app = new ParleyApplication
        {
            TestServices = services =>
            {
                services.AddSingleton(checks);
                services.PostConfigure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o => o.EventsType = typeof(CountingCookieEvents));
            },
        };
        using var client = await ConsoleLogin.SignedInAsync(app, "admin@parley.local");
        checks.Paths.Clear();

        // Every request below carries the console's cookie.
        await client.GetAsync("/api/console/advisors");
        await client.PostAsync("/webhooks/messenger", new StringContent("{}"));
        await client.PostAsync("/webhooks/whatsapp", new StringContent("{}"));
        await client.GetAsync("/api/widget/v1/inboxes/demo-website");

        Assert.Equal(["/api/console/advisors"], checks.Paths);
    }

    /// <summary>The console's own cookie checks, counted per request path.</summary>
    private sealed class CountingCookieEvents : CookieAuthenticationEvents
    {
        public List<string> Paths { get; } = [];

        public override Task ValidatePrincipal(CookieValidatePrincipalContext context)
        {
            lock (Paths)
            {
                Paths.Add(context.HttpContext.Request.Path);
            }

            return context.HttpContext.RequestServices.GetRequiredService<AdvisorCookieEvents>().ValidatePrincipal(context);
        }
    }
}
