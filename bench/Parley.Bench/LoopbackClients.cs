using System.Net;
using System.Net.Sockets;

namespace Parley.Bench;

/// <summary>
/// HTTP clients whose connections leave from a chosen loopback address (127.0.0.2, 127.0.0.3, …), so that Parley sees
/// each attack worker as a client of its own, apart from the legitimate customer on 127.0.0.1. Both ends must be in
/// 127.0.0.0/8: the bench never sends to, nor from, anything else.
/// </summary>
internal static class LoopbackClients
{
    /// <summary>The n-th loopback source address (0 → 127.0.0.1); at most 127.0.0.254.</summary>
    public static IPAddress Source(int n) =>
        n is >= 0 and < 254 ? new IPAddress([127, 0, 0, (byte)(n + 1)]) : throw new ArgumentOutOfRangeException(nameof(n), n, "Only 127.0.0.1 to 127.0.0.254.");

    public static HttpClient Create(IPAddress source, bool cookies = false) => new(new SocketsHttpHandler
    {
        ConnectCallback = (context, ct) => ConnectAsync(source, context.DnsEndPoint, ct),
        UseCookies = cookies,
        CookieContainer = new CookieContainer(),
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static async ValueTask<Stream> ConnectAsync(IPAddress source, DnsEndPoint target, CancellationToken ct)
    {
        if (!IPAddress.TryParse(target.Host, out var address) || address.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(address)
            || source.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(source))
        {
            throw new InvalidOperationException($"Only loopback to loopback: {source} → {target.Host} refused.");
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(address, target.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
