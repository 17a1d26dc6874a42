using System.Diagnostics;
using System.Globalization;

namespace Parley.Bench;

/// <summary>What the legitimate customer saw in one phase: its messages, how many were accepted (202), and their latency.</summary>
internal sealed record CustomerPhase(string Name, int Sent, int Accepted, Latencies Latencies, IReadOnlyDictionary<string, int> Refusals)
{
    public string RefusalText => Refusals.Count == 0 ? "" : string.Join(", ", Refusals.Select(r => $"{r.Key} × {r.Value}"));
}

/// <summary>
/// A guest on the demo inbox, on 127.0.0.1 (the attack comes from other addresses): one session, one conversation handed
/// to a queue (so the bot does not answer every line), then a message every <see cref="Interval"/>, each with its own
/// clientMessageId, timed from the request to its 202. The interval stays under the default per-session limit of
/// 300 calls a minute (RateLimits:WidgetCalls) with room to spare; a person types far slower.
/// </summary>
internal sealed class LegitimateCustomer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly HttpClient _http;
    private readonly WidgetCustomer _customer;

    private LegitimateCustomer(HttpClient http, WidgetCustomer customer)
    {
        _http = http;
        _customer = customer;
    }

    public static async Task<LegitimateCustomer> StartAsync(Uri baseAddress)
    {
        var http = LoopbackClients.Create(LoopbackClients.Source(0));
        try
        {
            var customer = await WidgetCustomer.StartAsync(http, baseAddress, CancellationToken.None);
            var pick = WidgetCustomer.Topics[0];
            _ = await customer.SendAsync(pick.Title, pick.Id, CancellationToken.None)
                ?? throw new InvalidOperationException($"The customer's topic pick was refused ({customer.LastStatus}).");
            return new LegitimateCustomer(http, customer);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Sends on a fixed schedule for <paramref name="duration"/> (or until <paramref name="stop"/>); a slow answer delays the next message, never skips it.</summary>
    public async Task<CustomerPhase> RunAsync(string name, TimeSpan duration, CancellationToken stop)
    {
        var latencies = new Latencies();
        var refusals = new Dictionary<string, int>();
        var sent = 0;
        var accepted = 0;
        var clock = Stopwatch.StartNew();
        var most = (int)(duration / Interval) + 1;
        for (var n = 0; n < most && clock.Elapsed < duration && !stop.IsCancellationRequested; n++)
        {
            var wait = (Interval * n) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }

            sent++;
            var started = Stopwatch.GetTimestamp();
            string? refusal;
            try
            {
                var seq = await _customer.SendAsync(string.Create(CultureInfo.InvariantCulture, $"{name}: my parcel, line {n}"), null, CancellationToken.None);
                refusal = seq is null ? $"HTTP {(int)(_customer.LastStatus ?? 0)}" : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                refusal = e is TaskCanceledException ? "timeout" : "no answer";
            }

            if (refusal is null)
            {
                accepted++;
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
            else
            {
                refusals[refusal] = refusals.GetValueOrDefault(refusal) + 1;
            }
        }

        return new CustomerPhase(name, sent, accepted, latencies, refusals);
    }

    public void Dispose() => _http.Dispose();
}
