using Parley.Bots.Api;
using static Parley.Tests.Bots.Api.ApiSteps;

namespace Parley.Tests.Bots.Api;

/// <summary>A recorded answer must lead the flow where the same real answer would.</summary>
public sealed class ApiSampleTests(ApiCallerHost host) : IClassFixture<ApiCallerHost>
{
    private readonly ApiCallerHost _host = host;

    [Theory]
    [InlineData(200, """{"status":"delivered","events":[{"label":"Delivered"}]}""")]
    [InlineData(404, """{"title":"Not found"}""")]
    [InlineData(500, "oops")]
    [InlineData(400, "{}")]
    [InlineData(200, "not json")]
    [InlineData(204, "")]
    public async Task A_sample_gives_the_outcome_and_values_of_the_same_real_answer(int status, string body)
    {
        await using var server = await ApiTestServer.AnsweringAsync(status, body);
        var extract = new Dictionary<string, string> { ["status"] = "status", ["last"] = "events[0].label" };
        var spec = Get(server.Url("/parcels/{{ vars.number }}"), extract: extract) with { Sample = new ApiSample(status, body) };

        var real = await _host.Caller.CallAsync(spec, Model, NoSecrets, CancellationToken.None);
        var sample = _host.Caller.FromSample(spec, Model);

        Assert.Equal((real.Outcome, real.Status), (sample.Outcome, sample.Status));
        Assert.Equal(real.Values.Keys.Order(), sample.Values.Keys.Order());
        Assert.All(real.Values, v => Assert.Equal(v.Value?.ToJsonString(), sample.Values[v.Key]?.ToJsonString()));
        Assert.Equal(real.Error is null, sample.Error is null);
    }

    [Fact]
    public void A_sample_over_the_size_cap_fails_like_a_real_answer()
    {
        var spec = Get("http://127.0.0.1:9/p") with { Sample = new ApiSample(200, "\"" + new string('a', 300 * 1024) + "\"") };

        var result = _host.Caller.FromSample(spec, Model);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("256 KB", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_without_a_sample_or_with_a_broken_template_says_so()
    {
        Assert.Contains("no recorded answer", _host.Caller.FromSample(Get("http://127.0.0.1:9/p"), Model).Error, StringComparison.Ordinal);
        var broken = Get("http://127.0.0.1:9/{{ vars.number ") with { Sample = new ApiSample(200, "{}") };
        Assert.Contains("expected", _host.Caller.FromSample(broken, Model).Error, StringComparison.Ordinal);
    }
}
