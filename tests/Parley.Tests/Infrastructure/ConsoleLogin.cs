namespace Parley.Tests.Infrastructure;

/// <summary>The console's sign-in form, as a browser posts it (with the antiforgery token of the login page).</summary>
public static class ConsoleLogin
{
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string returnUrl = "") =>
        await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client),
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/login");
        var match = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "the login page carries an antiforgery token");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
