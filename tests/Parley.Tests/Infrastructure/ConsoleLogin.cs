using System.Net;
using System.Text.RegularExpressions;

namespace Parley.Tests.Infrastructure;

/// <summary>Signs a plain HTTP client in to the console, as the login page's form does (antiforgery token and cookie included).</summary>
public static partial class ConsoleLogin
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password, string returnUrl = "") =>
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
        var response = await PostAsync(client, email, ParleyApplication.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/login");
        var match = TokenField().Match(page);
        Assert.True(match.Success, "the login page carries an antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
