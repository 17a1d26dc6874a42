using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Parley.Bots.Api;
using static Parley.Tests.Bots.Api.ApiSteps;

namespace Parley.Tests.Bots.Api;

public sealed class ApiCallerTests(ApiCallerHost host) : IClassFixture<ApiCallerHost>
{
    private const string Parcel = """{"status":"in_transit","events":[{"label":"Accepted"},{"label":"In transit"}],"data":{"items":[1,2]}}""";

    private readonly ApiCallerHost _host = host;

    [Fact]
    public async Task A_success_extracts_values_by_path()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, Parcel);
        var extract = new Dictionary<string, string>
        {
            ["status"] = "status",
            ["first"] = "events[0].label",
            ["items"] = "data.items",
            ["all"] = "$",
            ["missing"] = "events[5].label",
        };
        var spec = new ApiStepSpec(
            "POST", server.Url("/parcels/{{ vars.number }}"), """{ "name": "{{ contact.first_name }}" }""",
            new Dictionary<string, string> { ["X-Channel"] = "web" }, extract, TimeSpan.FromSeconds(2), 0);

        var result = await _host.Caller.CallAsync(spec, Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        Assert.Equal(200, result.Status);
        Assert.Equal("in_transit", result.Values["status"]!.GetValue<string>());
        Assert.Equal("Accepted", result.Values["first"]!.GetValue<string>());
        Assert.Equal("[1,2]", result.Values["items"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Parcel), result.Values["all"]));
        Assert.Null(result.Values["missing"]);
        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/parcels/RR123456789IT", "web"), (request.Method, request.RawTarget, request.Headers["X-Channel"]));
        Assert.Equal("Alice", JsonNode.Parse(request.Body)!["name"]!.GetValue<string>());
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, ApiOutcome.NotFound)]
    [InlineData(400, ApiOutcome.Failure)]
    [InlineData(403, ApiOutcome.Failure)]
    public async Task Answers_that_another_attempt_would_not_change_are_not_retried(int status, ApiOutcome outcome)
    {
        await using var server = await ApiTestServer.AnsweringAsync(status);

        var result = await _host.Caller.CallAsync(Get(server.Url("/parcels/x"), retries: 2), Model, NoSecrets, CancellationToken.None);

        Assert.Equal((outcome, status), (result.Outcome, result.Status));
        Assert.Equal(1, server.Hits);
    }

    [Fact]
    public async Task A_500_then_a_200_succeeds_on_the_second_attempt()
    {
        await using var server = await ApiTestServer.StartAsync((context, attempt) =>
        {
            context.Response.StatusCode = attempt == 1 ? 500 : 200;
            return context.Response.WriteAsync(Parcel);
        });

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 1, extract: new Dictionary<string, string> { ["s"] = "status" }), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        Assert.Equal("in_transit", result.Values["s"]!.GetValue<string>());
        Assert.Equal(2, server.Hits);
    }

    [Fact]
    public async Task A_500_every_time_fails_after_all_attempts()
    {
        await using var server = await ApiTestServer.AnsweringAsync(500);

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 2), Model, NoSecrets, CancellationToken.None);

        Assert.Equal((ApiOutcome.Failure, 500), (result.Outcome, result.Status));
        Assert.Contains("500", result.Error, StringComparison.Ordinal);
        Assert.Contains("3 attempts", result.Error, StringComparison.Ordinal);
        Assert.Equal(3, server.Hits);
    }

    [Fact]
    public async Task A_server_slower_than_the_timeout_fails_quickly()
    {
        await using var server = await ApiTestServer.StartAsync(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
        var watch = Stopwatch.StartNew();

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 1, timeoutSeconds: 0.3), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("did not answer within 0.3 s", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, server.Hits);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_slow_answer_within_the_timeout_succeeds()
    {
        await using var server = await ApiTestServer.StartAsync(async context =>
        {
            // A timer may fire a little before its time by the stopwatch the caller measures with (399.4 ms once in CI):
            // the answer waits until the stopwatch says 400 ms.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromMilliseconds(400))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(400) - waited.Elapsed + TimeSpan.FromMilliseconds(1));
            }

            await context.Response.WriteAsync(Parcel);
        });

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), timeoutSeconds: 3), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        Assert.True(result.Elapsed >= TimeSpan.FromMilliseconds(400), $"{result.Elapsed}");
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        await using var server = await ApiTestServer.StartAsync((context, attempt) =>
        {
            context.Response.StatusCode = attempt == 1 ? 503 : 200;
            context.Response.Headers.RetryAfter = "1";
            return context.Response.WriteAsync(Parcel);
        });

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 1), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, result.Outcome);
        var times = server.Requests.Select(r => r.At).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(950), $"{times[1] - times[0]}");
    }

    [Fact]
    public async Task A_retry_after_beyond_the_budget_fails_without_waiting()
    {
        await using var server = await ApiTestServer.StartAsync(context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        var watch = Stopwatch.StartNew();

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 3), Model, NoSecrets, CancellationToken.None);

        Assert.Equal((ApiOutcome.Failure, 429), (result.Outcome, result.Status));
        Assert.Contains("retry after 120 s", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Hits);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_unreachable_api_is_retried_then_named()
    {
        var closed = new Uri((await ApiTestServer.StartAsync(_ => Task.CompletedTask) is var server ? server : null)!.Url("/p"));
        await server.DisposeAsync();

        var result = await _host.Caller.CallAsync(Get(closed.ToString(), retries: 1), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Null(result.Status);
        Assert.Contains("could not be reached (ConnectionError)", result.Error, StringComparison.Ordinal);
        Assert.Contains("2 attempts", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_cut_off_midway_is_retried_then_a_failure()
    {
        await using var server = await ApiTestServer.StartAsync(async context =>
        {
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("{\"status\":");
            await context.Response.Body.FlushAsync();
            await Task.Delay(200); // the headers reach the client first: the body is what breaks
            context.Abort();
        });

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 1), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("cut off", result.Error, StringComparison.Ordinal);
        Assert.Contains("2 attempts", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, server.Hits);
    }

    [Fact]
    public async Task Invalid_json_on_a_success_is_a_failure()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "<html>maintenance</html>");

        var result = await _host.Caller.CallAsync(Get(server.Url("/p"), retries: 2), Model, NoSecrets, CancellationToken.None);

        Assert.Equal((ApiOutcome.Failure, 200), (result.Outcome, result.Status));
        Assert.Contains("not JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        await using var server = await ApiTestServer.StartAsync(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Caller.CallAsync(Get(server.Url("/p"), retries: 3, timeoutSeconds: 5), Model, NoSecrets, cancel.Token));
    }
}
