using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Parley.Channels.WebMessaging;
using Parley.Tests.Channels.WebMessaging;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Hosting;

public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task Widget_responses_are_never_sniffed_and_carry_no_frame_rules()
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient();

        foreach (var path in new[] { "/api/widget/v1/inboxes/demo-website", "/widget.js", "/demo", "/api/widget/v1/inboxes/nope" })
        {
            var response = await client.GetAsync(path);

            AssertNoSniff(response, path);
            Assert.False(response.Headers.Contains("X-Frame-Options"), path);
            Assert.False(response.Headers.Contains("Content-Security-Policy"), path);
        }
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/no/such/page")]
    [InlineData("/health")]
    public async Task Console_and_other_responses_refuse_to_be_framed(string path)
    {
        await using var app = new ParleyApplication();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        AssertNoSniff(response, path);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    /// <summary>The exception handler clears the response it replaces: the headers must still be there.</summary>
    [Fact]
    public async Task Errors_written_by_the_exception_handler_and_by_the_limits_keep_the_headers()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();

        var unbound = await customer.Http.GetAsync($"{WidgetClient.Base}/messages?after=abc");
        var tooLong = await customer.Http.GetAsync($"{WidgetClient.Base}/messages?x={new string('a', 9000)}");

        await Expect.ProblemAsync(unbound, HttpStatusCode.BadRequest);
        AssertNoSniff(unbound, "a parameter that does not bind");
        await Expect.ProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong);
        AssertNoSniff(tooLong, "a URL over the limit");
    }

    [Fact]
    public async Task An_attachment_download_is_sandboxed_and_downloaded_for_the_customer_and_the_advisor()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        var id = await UploadAsync(customer, AttachmentRulesTests.Png, "label.png");

        var widget = await customer.Http.GetAsync($"{WidgetClient.Base}/attachments/{id}");
        using var advisor = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await ConsoleLogin.LoginAsync(advisor, "marie@parley.local", ParleyApplication.Password);
        var console = await advisor.GetAsync($"/console/attachments/{id}");

        foreach (var (response, framing) in new[] { (widget, ""), (console, "; frame-ancestors 'none'") })
        {
            await Expect.StatusAsync(response, HttpStatusCode.OK);
            AssertNoSniff(response, response.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("sandbox; default-src 'none'" + framing, Header(response, "Content-Security-Policy"));
            Assert.Equal(("attachment", "label.png"), (response.Content.Headers.ContentDisposition?.DispositionType, response.Content.Headers.ContentDisposition?.FileName));
        }
    }

    [Fact]
    public async Task The_upload_itself_is_not_treated_as_a_download()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();

        var response = await customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(AttachmentRulesTests.Png, "a.png"));

        await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        AssertNoSniff(response, "the upload");
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    private static async Task<long> UploadAsync(WidgetClient customer, byte[] data, string fileName)
    {
        var response = await customer.Http.PostAsync($"{WidgetClient.Base}/attachments", Upload(data, fileName));
        await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        var sent = (await response.Content.ReadFromJsonAsync<SendResponse>())!;
        return Assert.Single((await customer.MessagesAsync()).Messages, m => m.Id == sent.Id).Attachment!.Id;
    }

    private static MultipartFormDataContent Upload(byte[] data, string fileName)
    {
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { new StringContent(Guid.NewGuid().ToString()), "clientMessageId" }, { file, "file", fileName } };
    }

    private static void AssertNoSniff(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: no X-Content-Type-Options: nosniff");
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
