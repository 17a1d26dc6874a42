using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Parley.Bots.Api;
using static Parley.Tests.Bots.Api.ApiSteps;

namespace Parley.Tests.Bots.Api;

public sealed class ApiCallerSafetyTests(ApiCallerHost host) : IClassFixture<ApiCallerHost>
{
    private readonly ApiCallerHost _host = host;

    [Fact]
    public async Task Secrets_reach_the_server_in_headers_but_never_the_logs()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "{}");
        var secrets = new Dictionary<string, string> { ["token"] = "tok-5ecret-91", ["key"] = "key-5ecret-27" };
        var spec = new ApiStepSpec(
            "GET", server.Url("/p?leak={{ secrets.key }}"), null,
            new Dictionary<string, string> { ["Authorization"] = "Bearer {{ secrets.token }}", ["X-Api-Key"] = "{{ secrets.key }}" },
            new Dictionary<string, string>(), TimeSpan.FromSeconds(2), 0);

        // Even a model that carries secrets of its own does not put them in the URL.
        var model = new JsonObject { ["secrets"] = new JsonObject { ["key"] = "key-5ecret-27" } };

        var result = await _host.Caller.CallAsync(spec, model, secrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("Bearer tok-5ecret-91", "key-5ecret-27"), (request.Headers["Authorization"], request.Headers["X-Api-Key"]));
        Assert.Equal("/p?leak=", request.RawTarget);
        Assert.Contains(_host.Logs, line => line.Contains("API step GET", StringComparison.Ordinal));
        Assert.DoesNotContain(_host.Logs, line => line.Contains("5ecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_value_cannot_change_the_path()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "{}");
        var spec = Get(server.Url("/parcels/{{ vars.number }}?lang=it"));

        var result = await _host.Caller.CallAsync(spec, ModelWith("../admin?x=1#top"), NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        Assert.Equal("/parcels/..%2Fadmin%3Fx%3D1%23top?lang=it", Assert.Single(server.Requests).RawTarget);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    public async Task A_value_that_is_a_dot_segment_is_refused(string number)
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "{}");

        var result = await _host.Caller.CallAsync(Get(server.Url("/parcels/{{ vars.number }}/events")), ModelWith(number), NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("'..' segment", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.Hits);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/x")]
    [InlineData("/relative/path")]
    public async Task Only_http_and_https_urls_are_called(string url)
    {
        var result = await _host.Caller.CallAsync(Get(url), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("not an absolute http or https URL", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_oversize_answer_is_a_failure(bool announced)
    {
        var big = "{\"x\":\"" + new string('a', 300 * 1024) + "\"}";
        await using var server = await ApiTestServer.StartAsync(async context =>
        {
            if (announced)
            {
                context.Response.ContentLength = Encoding.UTF8.GetByteCount(big);
            }

            await context.Response.WriteAsync(big);
        });

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 1), Model, NoSecrets, CancellationToken.None);

        Assert.Equal((ApiOutcome.Failure, 200), (result.Outcome, result.Status));
        Assert.Contains("larger than 256 KB", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Hits);
    }

    [Fact]
    public async Task A_header_cannot_smuggle_a_line_break()
    {
        var spec = new ApiStepSpec(
            "GET", "http://127.0.0.1:9/p", null, new Dictionary<string, string> { ["X-Name"] = "{{ vars.number }}" },
            new Dictionary<string, string>(), TimeSpan.FromSeconds(1), 0);

        var result = await _host.Caller.CallAsync(spec, ModelWith("x\r\nX-Admin: true"), NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("line break", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bad Name", "{}", null, "Header Bad Name is not a valid header name.")]
    [InlineData("X-Ok", "{{ vars.number ", null, "Header X-Ok: End of tag")]
    [InlineData("X-Ok", "ok", "{ \"a\": {{ vars.number }} }", "Body: The body is not valid JSON")]
    public async Task A_broken_step_says_which_part_is_wrong(string header, string value, string? body, string error)
    {
        var spec = Get("http://127.0.0.1:9/p") with { Body = body, Headers = new Dictionary<string, string> { [header] = value } };

        var result = await _host.Caller.CallAsync(spec, Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_with_hostile_text_stays_one_json_value()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "{}");
        var spec = Get(server.Url("/p")) with { Method = "post", Body = """{ "note": "{{ vars.number }}" }""" };

        await _host.Caller.CallAsync(spec, ModelWith("x\", \"admin\": true, \"y\": \""), NoSecrets, CancellationToken.None);

        var body = JsonNode.Parse(Assert.Single(server.Requests).Body)!.AsObject();
        Assert.Equal(["note"], body.Select(p => p.Key));
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    public async Task Only_the_five_methods_are_sent(string method)
    {
        var result = await _host.Caller.CallAsync(Get("http://127.0.0.1:9/p") with { Method = method }, Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("not one of GET", result.Error, StringComparison.Ordinal);
    }
}
