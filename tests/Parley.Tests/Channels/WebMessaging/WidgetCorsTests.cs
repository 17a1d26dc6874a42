using System.Net;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.WebMessaging;

/// <summary>The widget is embedded on the brand's own site, so its API answers other origins; the console does not.</summary>
public sealed class WidgetCorsTests
{
    [Fact]
    public async Task The_widget_api_answers_a_preflight_from_another_site_and_the_console_does_not()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient();

        using var widget = await client.SendAsync(Preflight("/api/widget/v1/messages"));
        Assert.Equal(HttpStatusCode.NoContent, widget.StatusCode);
        Assert.Equal("*", Assert.Single(widget.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", widget.Headers.GetValues("Access-Control-Allow-Methods"));

        using var login = await client.SendAsync(Preflight("/account/login"));
        Assert.False(login.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
