using System.Text.RegularExpressions;

namespace Parley.Tests.Infrastructure;

/// <summary>The console's account forms over HTTP, as a browser posts them: with the page's antiforgery token (and cookie).</summary>
public static partial class ConsoleLogin
{
    public const string CookieName = "parley.console";

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string returnUrl = "") =>
        await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client),
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));

    /// <summary>A client of <paramref name="app"/> signed in as <paramref name="email"/> (its cookies kept).</summary>
    public static async Task<HttpClient> SignedInAsync(ParleyApplication app, string email)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await LoginAsync(client, email, ParleyApplication.Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>The sign-out form of the console's top bar (its token is for the signed-in advisor: taken after sign-in).</summary>
    public static async Task<HttpResponseMessage> LogoutAsync(HttpClient client) =>
        await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client),
        }));

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/login");
        var match = TokenField().Match(page);
        Assert.True(match.Success, "the login page carries an antiforgery token");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The Set-Cookie header of the session cookie, if the response set one.</summary>
    public static string? SessionSetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal))
            : null;

    /// <summary>The session cookie as a browser sends it back (<c>name=value</c>): what a thief would copy.</summary>
    public static string SessionCookie(HttpResponseMessage response)
    {
        var header = SessionSetCookie(response);
        Assert.NotNull(header);
        return header.Split(';')[0];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
