using System.Text.Json;
using Parley.Data;

namespace Parley.Tests.Hosting;

/// <summary>The runtime settings Parley's own build gives a node (src/Parley/Parley.csproj), read from the runtime configuration it ships with.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void A_node_s_idle_thread_pool_threads_sleep_instead_of_spinning()
    {
        var path = Path.ChangeExtension(typeof(ParleyDb).Assembly.Location, ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit), $"{path} sets no spin limit.");
        Assert.Equal(0, spinLimit.GetInt32());
    }
}
