using Parley.Channels;

namespace Parley.Simulator;

/// <summary>The demo's platform simulator (section Simulator); it runs only when Demo:Enabled.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Where the simulator posts its webhooks; by default this server's own address (the demo's Parley).</summary>
    public Uri? ParleyUrl { get; set; }

    /// <summary>How long the platform waits before it reports a message delivered and read: its answer to the send call comes first.</summary>
    public TimeSpan ReceiptDelay { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>For how long after the page last showed a chat the customer counts as looking at it (messages are read).</summary>
    public TimeSpan OpenFor { get; set; } = TimeSpan.FromSeconds(4);
}

/// <summary>The demo account's connections that talk to the simulator (their API URL is one of its paths).</summary>
public sealed class SimulatorConnections(ConnectionDirectory directory)
{
    public const string GraphPath = "/simulator/graph/v23.0";
    public const string XPath = "/simulator/x";

    public async Task<ConnectionCredentials?> FindAsync(ChannelKind network, CancellationToken ct) =>
        (await directory.AllAsync(network, ct)).OrderBy(c => c.ConnectionId).FirstOrDefault(IsSimulated);

    public static bool IsSimulated(ConnectionCredentials connection) =>
        connection.Settings.ApiUrl is { } url && url.StartsWith("/simulator/", StringComparison.Ordinal);
}
