using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;

namespace Parley.Bots.External;

/// <summary>How events reach external bots (section <c>Bots:External</c>).</summary>
public sealed class ExternalBotOptions
{
    public const string Section = "Bots:External";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Posts external bots their events: the oldest open event of each conversation at a time (so a bot reads a conversation
/// in order), signed (<see cref="BotSignature"/>), retried with backoff and jitter until the bot answers 2xx, given up
/// after <see cref="ExternalBotOptions.MaxAttempts"/> or on a 4xx that says the bot will never take it. Several nodes
/// may run it: an event is leased in the database before it is sent.
/// </summary>
public sealed partial class ExternalBotDispatcher(
    IDbContextFactory<ParleyDb> dbs,
    WriteGate gate,
    IHttpClientFactory http,
    Api.BotSecrets secrets,
    ExternalBotSignal signal,
    Microsoft.Extensions.Options.IOptions<ExternalBotOptions> options,
    TimeProvider clock,
    ILogger<ExternalBotDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "Parley.Bots.External";
    private const int Batch = 32;
    private readonly string _node = $"{Environment.MachineName}/{Guid.NewGuid():N}";
    private readonly Random _random = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sending events to external bots failed; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>Leases and sends the events due now; returns how many were sent or settled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var leased = await LeaseAsync(cancellationToken);
        await Task.WhenAll(leased.Select(e => SendAsync(e, cancellationToken)));
        return leased.Count;
    }

    private async Task SendAsync(LeasedEvent leased, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        string? error;
        bool permanent;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, leased.Url) { Content = new StringContent(leased.Body, Encoding.UTF8, "application/json") };
            request.Headers.Add(BotSignature.Header, BotSignature.Sign(secrets.Unprotect(leased.Secret), now.ToUnixTimeSeconds(), leased.Body));
            request.Headers.Add("X-Parley-Event", leased.Kind);
            request.Headers.Add("X-Parley-Delivery", leased.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await SettleAsync(leased.Id, sent: true, null, null, cancellationToken);
                return;
            }

            error = $"The bot answered {(int)response.StatusCode} {response.ReasonPhrase}";
            permanent = (int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? $"The bot did not answer within {options.Value.Timeout.TotalSeconds:0} s" : $"The bot could not be reached: {e.Message}";
            permanent = false;
        }

        var attempts = leased.Attempts + 1;
        if (permanent || attempts >= options.Value.MaxAttempts)
        {
            logger.LogWarning("Event {EventId} for the external bot given up after {Attempts} attempts: {Error}", leased.Id, attempts, error);
            await SettleAsync(leased.Id, sent: false, error, null, cancellationToken);
            return;
        }

        var next = now.UtcDateTime + RetryBackoff.Delay(options.Value.FirstBackoff, options.Value.MaxBackoff, leased.Attempts, null, _random);
        await SettleAsync(leased.Id, sent: false, error, next, cancellationToken);
    }

    private sealed record LeasedEvent(long Id, string Kind, string Body, int Attempts, string Url, string Secret);
}
