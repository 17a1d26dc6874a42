using System.Diagnostics;
using System.Net;
using Parley.Bots.Api;
using static Parley.Tests.Bots.Api.ApiSteps;

namespace Parley.Tests.Bots.Api;

public sealed class ApiNetworkGuardTests
{
    [Theory]
    [InlineData("169.254.169.254", false, true)]
    [InlineData("::ffff:169.254.169.254", false, true)]
    [InlineData("fe80::1", false, true)]
    [InlineData("0.0.0.0", false, true)]
    [InlineData("224.0.0.1", false, true)]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("10.1.2.3", false, false)]
    [InlineData("127.0.0.1", true, true)]
    [InlineData("::1", true, true)]
    [InlineData("10.1.2.3", true, true)]
    [InlineData("172.20.0.5", true, true)]
    [InlineData("192.168.1.10", true, true)]
    [InlineData("100.100.100.200", true, true)]
    [InlineData("fd00::5", true, true)]
    [InlineData("172.32.0.5", true, false)]
    [InlineData("93.184.216.34", true, false)]
    [InlineData("2606:2800:220:1::1", true, false)]
    public void Addresses_are_judged_after_dns(string address, bool blockPrivate, bool forbidden) =>
        Assert.Equal(forbidden, ApiNetworkGuard.IsForbidden(IPAddress.Parse(address), blockPrivate));

    [Fact]
    public async Task The_cloud_metadata_address_is_never_called()
    {
        using var host = new ApiCallerHost();
        var watch = Stopwatch.StartNew();

        var result = await host.Caller.CallAsync(Get("http://169.254.169.254/latest/meta-data/", retries: 2), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Failure, result.Outcome);
        Assert.Contains("may not call link-local", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("attempts", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"{watch.Elapsed}");
    }

    [Fact]
    public async Task Private_networks_can_be_blocked()
    {
        await using var server = await ApiTestServer.AnsweringAsync(200, "{}");
        using var open = new ApiCallerHost();
        using var blocking = new ApiCallerHost(new() { ["Bots:Api:BlockPrivateNetworks"] = "true" });

        var allowed = await open.Caller.CallAsync(Get(server.Url("/p")), Model, NoSecrets, CancellationToken.None);
        var byAddress = await blocking.Caller.CallAsync(Get(server.Url("/p")), Model, NoSecrets, CancellationToken.None);
        var byName = await blocking.Caller.CallAsync(Get($"http://localhost:{server.Address.Port}/p"), Model, NoSecrets, CancellationToken.None);

        Assert.Equal(ApiOutcome.Success, allowed.Outcome);
        Assert.Equal((ApiOutcome.Failure, ApiOutcome.Failure), (byAddress.Outcome, byName.Outcome));
        Assert.Contains("BlockPrivateNetworks", byName.Error, StringComparison.Ordinal);
        Assert.Equal(1, server.Hits);
    }
}
