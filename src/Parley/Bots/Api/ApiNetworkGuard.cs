using System.Net;
using System.Net.Sockets;

namespace Parley.Bots.Api;

/// <summary>Options of the API step (section Bots:Api).</summary>
public sealed class BotApiOptions
{
    public const string Section = "Bots:Api";

    /// <summary>
    /// Also refuse loopback and private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7): for a hosted
    /// Parley whose channel managers must not reach its own network. Off by default, since a brand's order system
    /// often lives on its private network (and the demo calls its own parcel API on loopback).
    /// </summary>
    public bool BlockPrivateNetworks { get; set; }
}

/// <summary>An address an API step may not call; not retried, as the answer would be the same.</summary>
internal sealed class ForbiddenAddressException(string message) : Exception(message);

/// <summary>
/// Chooses the address an API step connects to, after DNS, so that a name resolving to a forbidden address (set up
/// on purpose or rebound between two lookups) is refused too. Link-local addresses, where cloud metadata services
/// hand out credentials, and unspecified, multicast and broadcast ones are never called.
/// </summary>
internal static class ApiNetworkGuard
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool blockPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => !IsForbidden(a, blockPrivate)).ToArray();
        if (allowed.Length == 0)
        {
            throw new ForbiddenAddressException(
                $"{host} is {string.Join(", ", addresses.Select(a => a.ToString()))}: API steps may not call link-local, multicast"
                + (blockPrivate ? ", loopback or private addresses (Bots:Api:BlockPrivateNetworks)." : " or unspecified addresses."));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsForbidden(IPAddress address, bool blockPrivate)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6Multicast
                || (blockPrivate && (IPAddress.IsLoopback(address) || address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal));
        }

        var b = address.GetAddressBytes();
        var always = b[0] == 0 || (b[0] == 169 && b[1] == 254) || b[0] >= 224;
        var privateRange = b[0] == 127 || b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] is >= 64 and <= 127);
        return always || (blockPrivate && privateRange);
    }
}
