using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Parley.Channels;

/// <summary>The base URL a connection's platform calls go to: its own (<see cref="ConnectionSettings.ApiUrl"/>) or the channel's.</summary>
public sealed class PlatformApi(IServer server)
{
    /// <returns>The base URL without a trailing slash, e.g. https://graph.facebook.com/v23.0.</returns>
    public string BaseUrl(ConnectionCredentials? connection, Uri channelDefault)
    {
        var own = connection?.Settings.ApiUrl;
        if (string.IsNullOrWhiteSpace(own))
        {
            return channelDefault.ToString().TrimEnd('/');
        }

        if (Uri.TryCreate(own, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute.ToString().TrimEnd('/');
        }

        // A path on this server (the simulator).
        return OwnAddress() + "/" + own.Trim('/');
    }

    /// <summary>This server's own first address, as Kestrel bound it, without a trailing slash (the simulator posts its webhooks there).</summary>
    public string OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("This server has no address to reach itself at.");
        address = address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        return address.TrimEnd('/');
    }
}
