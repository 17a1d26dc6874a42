using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>A console session ends on the server: a cookie copied before a sign-out (or a password or role change) is refused after it.</summary>
public sealed class ConsoleSessionTests
{
    private const string Marie = "marie@parley.local";

    [Theory, OnSqlite, OnPostgres]
    public async Task A_cookie_copied_before_sign_out_is_refused_after_it(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var attachmentId = await AttachmentAsync(app);
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var copied = ConsoleLogin.SessionCookie(await ConsoleLogin.LoginAsync(browser, Marie, ParleyApplication.Password));
        using var thief = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(thief, copied, $"/console/attachments/{attachmentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(thief, copied, "/console")).StatusCode);

        var signedOut = await ConsoleLogin.LogoutAsync(browser);
        Assert.Equal("/login", signedOut.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(thief, copied, $"/console/attachments/{attachmentId}")).StatusCode);
        AssertSentToLogin(await GetAsync(thief, copied, "/console"));
    }

    [Fact]
    public async Task A_sign_out_on_another_node_holds_here_once_the_stamp_cache_window_passed()
    {
        await using var app = new ParleyApplication();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var cookie = ConsoleLogin.SessionCookie(await ConsoleLogin.LoginAsync(browser, Marie, ParleyApplication.Password));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, cookie, "/console")).StatusCode);

        // Another node signed Marie out: it changed her stamp in the database, and this node read it less than 10 s ago.
        await app.DbAsync(db => db.Advisors.Where(a => a.Email == Marie).ExecuteUpdateAsync(s => s.SetProperty(a => a.SecurityStamp, "changed-elsewhere")));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, cookie, "/console")).StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(new AdvisorSessionOptions().StampCacheSeconds + 1));
        AssertSentToLogin(await GetAsync(client, cookie, "/console"));
    }

    [Theory]
    [InlineData("password")]
    [InlineData("role")]
    public async Task Changing_the_password_or_the_role_ends_the_advisors_sessions(string change)
    {
        await using var app = new ParleyApplication();
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var cookie = ConsoleLogin.SessionCookie(await ConsoleLogin.LoginAsync(browser, Marie, ParleyApplication.Password));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, cookie, "/console")).StatusCode);
        var marie = await app.AdvisorAsync(Marie);
        var security = app.Service<AdvisorSecurity>();

        Assert.True(change == "password"
            ? await security.ChangePasswordAsync(marie.Id, "a-new-password", CancellationToken.None)
            : await security.ChangeRoleAsync(marie.Id, AdvisorRole.Supervisor, CancellationToken.None));

        AssertSentToLogin(await GetAsync(client, cookie, "/console"));
        if (change == "password")
        {
            using var again = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            Assert.Null(ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(again, Marie, ParleyApplication.Password)));
            Assert.NotNull(ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(again, Marie, "a-new-password")));
        }
    }

    [Fact]
    public async Task An_open_console_leaves_once_its_session_ended()
    {
        await using var app = new ParleyApplication { Settings = { ["Identity:Session:CircuitRevalidateSeconds"] = "1" } };
        var marie = await app.DbAsync(db => db.Advisors.AsNoTracking().FirstAsync(a => a.Email == Marie));
        await using var circuit = app.Services.CreateAsyncScope();
        var authentication = circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        Assert.IsType<AdvisorAuthenticationStateProvider>(authentication);
        ((IHostEnvironmentAuthenticationStateProvider)authentication).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(SessionStamps.Identity(marie, "Cookies")))));
        var ended = new TaskCompletionSource();
        authentication.AuthenticationStateChanged += async state =>
        {
            if ((await state).User.Identity?.IsAuthenticated != true)
            {
                ended.TrySetResult();
            }
        };

        // A session that still stands survives its checks.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(ended.Task.IsCompleted, "the circuit kept a valid session");

        await app.Service<AdvisorSecurity>().EndSessionsAsync(marie.Id, CancellationToken.None);

        await ended.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Cookies_are_secure_on_https_requests()
    {
        await using var app = new ParleyApplication();
        using var https = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var overHttps = ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(https, Marie, ParleyApplication.Password));
        var overHttp = ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(http, Marie, ParleyApplication.Password));

        Assert.NotNull(overHttps);
        Assert.Contains("; secure", overHttps, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(overHttp);
        Assert.DoesNotContain("; secure", overHttp, StringComparison.OrdinalIgnoreCase);
        using var fresh = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = false });
        var forms = (await fresh.GetAsync("/login")).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains("; secure", forms, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Behind_a_tls_proxy_the_session_cookie_can_always_be_secure()
    {
        await using var app = new ParleyApplication { Settings = { ["Identity:Session:CookieSecurePolicy"] = "Always" } };
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var session = ConsoleLogin.SessionSetCookie(await ConsoleLogin.LoginAsync(http, Marie, ParleyApplication.Password));

        Assert.NotNull(session);
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string cookie, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    private static void AssertSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location;
        Assert.NotNull(location);
        Assert.StartsWith("/login", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>A customer's file in a conversation of the demo brand, which Marie works for.</summary>
    private static async Task<long> AttachmentAsync(ParleyApplication app)
    {
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        var accountId = (await app.DemoInboxAsync()).AccountId;
        return await app.DbAsync(async db =>
        {
            var attachment = new Attachment
            {
                AccountId = accountId,
                ConversationId = conversationId,
                FileName = "receipt.txt",
                ContentType = "text/plain",
                Size = 5,
                Data = "hello"u8.ToArray(),
                CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
            };
            db.Attachments.Add(attachment);
            await db.SaveChangesAsync();
            return attachment.Id;
        });
    }
}
