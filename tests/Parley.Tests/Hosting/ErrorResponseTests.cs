using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Parley.Hosting;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Hosting;

/// <summary>A real Kestrel server (its own limits and parser are under test), shared by the class; it must log no error.</summary>
public sealed class KestrelHost : IAsyncLifetime
{
    public ParleyApplication App { get; } = new();

    public WidgetClient Customer { get; private set; } = null!;

    public Uri Address => App.KestrelAddress!;

    public async Task InitializeAsync()
    {
        App.StartKestrel();
        Customer = await App.GuestAsync();
        await Customer.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        Customer.Dispose();
        Assert.True(App.LoggedErrors.IsEmpty, string.Join("\n", App.LoggedErrors));
        await App.DisposeAsync();
    }
}

/// <summary>Every 4xx a caller can cause comes back as a ProblemDetails, except what Kestrel refuses before the app runs.</summary>
public sealed class ErrorResponseTests(KestrelHost host) : IClassFixture<KestrelHost>
{
    private readonly HttpClient _http = host.Customer.Http;

    [Theory]
    [InlineData("/api/widget/v1/inboxes/demo-website")]
    [InlineData("/console")]
    [InlineData("/widget.js")]
    public async Task A_url_over_8_kilobytes_is_a_414_problem(string path)
    {
        var response = await _http.GetAsync($"{path}?x={new string('a', RequestLimits.MaxUrlBytes)}");

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.RequestUriTooLong);
        Assert.Contains("8192", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_of_8_kilobytes_is_served()
    {
        const string Path = "/api/widget/v1/inboxes/demo-website?x=";

        await Expect.StatusAsync(await _http.GetAsync(Path + new string('a', RequestLimits.MaxUrlBytes - Path.Length)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Headers_over_32_kilobytes_or_100_lines_are_a_431_problem()
    {
        using var big = new HttpRequestMessage(HttpMethod.Get, "/api/widget/v1/messages");
        big.Headers.Add("X-Big", new string('a', RequestLimits.MaxHeaderBytes));
        await Expect.ProblemAsync(await _http.SendAsync(big), HttpStatusCode.RequestHeaderFieldsTooLarge);

        using var many = new HttpRequestMessage(HttpMethod.Get, "/api/widget/v1/messages");
        for (var i = 0; i < RequestLimits.MaxHeaderCount; i++)
        {
            many.Headers.Add($"X-H{i}", "v");
        }

        await Expect.ProblemAsync(await _http.SendAsync(many), HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    /// <summary>Kestrel's limits, raised above ours, still hold: past them it answers itself, before the app, without a body.</summary>
    [Fact]
    public async Task Past_kestrels_own_limits_the_answer_has_no_body()
    {
        var url = await RawHttp.SendAsync(host.Address,
            $"GET /api/widget/v1/messages?x={new string('a', RequestLimits.KestrelMaxRequestLineBytes)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        var headers = await RawHttp.SendAsync(host.Address,
            $"GET /api/widget/v1/messages HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', RequestLimits.KestrelMaxHeaderBytes)}\r\nConnection: close\r\n\r\n");

        Assert.Equal((414, ""), (url.Status, url.Body));
        Assert.Equal((431, ""), (headers.Status, headers.Body));
    }

    /// <summary>What Kestrel's parser refuses never reaches the app: a bare 400, which no middleware can give a body.</summary>
    [Theory]
    [InlineData("GET /health HTTP/1.1\r\nHost: local host/\r\n")]
    [InlineData("GET /health HTTP/1.1\r\n")]
    [InlineData("GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n")]
    [InlineData("POST /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n")]
    [InlineData("GET /he%00alth HTTP/1.1\r\nHost: localhost\r\n")]
    [InlineData("GET http://elsewhere.example/health HTTP/1.1\r\nHost: localhost\r\n")]
    public async Task Requests_kestrel_cannot_parse_are_a_bare_400(string head)
    {
        var response = await RawHttp.SendAsync(host.Address, head + "Connection: close\r\n\r\n");

        Assert.Equal((400, ""), (response.Status, response.Body));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_the_parameter()
    {
        var response = await _http.PostAsync("/api/widget/v1/messages", new StringContent("not json", Encoding.UTF8, "application/json"));

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("SendRequest request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_is_a_415_problem(string contentType)
    {
        var response = await _http.PostAsync("/api/widget/v1/read", new StringContent("{\"seq\":1}", Encoding.UTF8, contentType));

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>Reading JSON in a charset .NET does not know throws an InvalidOperationException: a 500 before the check.</summary>
    [Theory]
    [InlineData("application/json; charset=klingon")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/problem+json; charset=x")]
    public async Task A_json_body_in_a_charset_the_server_cannot_read_is_a_415_problem(string contentType)
    {
        var content = new ByteArrayContent("{\"seq\":1}"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var problem = await Expect.ProblemAsync(await _http.PostAsync("/api/widget/v1/read", content), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("Unsupported charset", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("after=1&after=2", "after")]
    [InlineData("waitSeconds=99999999999", "waitSeconds")]
    [InlineData("limit=%zz", "limit")]
    public async Task A_query_value_that_does_not_bind_is_a_400_problem_naming_it(string query, string parameter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/widget/v1/messages?{query}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain")); // the answer is a ProblemDetails regardless

        var problem = await Expect.ProblemAsync(await _http.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.Contains($" {parameter}\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/widget/v1/attachments/abc")]
    [InlineData("/api/widget/v1/attachments/99999999999999999999999")]
    [InlineData("/console/attachments/abc")]
    [InlineData("/no/such/page")]
    public async Task A_route_value_that_does_not_match_is_a_404_problem_whatever_is_accepted(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        await Expect.ProblemAsync(await _http.SendAsync(request), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_method_the_route_does_not_take_is_a_405_problem()
    {
        await Expect.ProblemAsync(await _http.DeleteAsync("/api/widget/v1/messages"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_login_form_that_cannot_be_read_is_a_400_problem_not_a_500()
    {
        using var client = new HttpClient { BaseAddress = host.Address };
        var content = new StringContent("garbage without any boundary", Encoding.Latin1);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        await Expect.ProblemAsync(await client.PostAsync("/account/login", content), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_400_problem()
    {
        var response = await RawHttp.SendAsync(host.Address,
            $"POST /api/widget/v1/read HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {host.Customer.Session!.Token}\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        Assert.Equal((400, "application/problem+json"), (response.Status, response.ContentType));
        Assert.Contains("\"status\":400", response.Body, StringComparison.Ordinal);
    }
}
