using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Parley.Channels;

namespace Parley.Simulator;

/// <summary>
/// What the platforms send back after accepting the brand's messages: WhatsApp's 'sent' status at once; and, while the
/// customer has the chat open on the page, Messenger's delivery and read events, Instagram's read (messaging_seen),
/// WhatsApp's delivered and read statuses, X's read event. A customer who opens the chat later reads what waited.
/// </summary>
public sealed class SimulatedReceipts(
    SimulatorState state, SimulatorConnections connections, WebhookSender webhooks, IOptions<SimulatorOptions> options, ILogger<SimulatedReceipts> logger)
    : BackgroundService
{
    private readonly Channel<SimCustomer> _queue = Channel.CreateBounded<SimCustomer>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<SimCustomer, bool> _queued = new();

    public bool IsOpen(SimCustomer customer) =>
        state.Read(() => customer.ViewedAt is { } viewed && state.Clock.GetUtcNow() - viewed <= options.Value.OpenFor);

    /// <summary>Asks for the customer's receipts to be sent (once, however often it is asked before they are).</summary>
    public void Wake(SimCustomer customer)
    {
        if (_queued.TryAdd(customer, true) && !_queue.Writer.TryWrite(customer))
        {
            _queued.TryRemove(customer, out _);
        }
    }

    /// <summary>Whether the customer has brand messages still to report.</summary>
    public bool HasPending(SimCustomer customer) =>
        state.Read(() => customer.Messages.Any(m => !m.FromCustomer && (m.Status is SimStatus.Sent or SimStatus.Delivered || NeedsSentStatus(customer, m))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var customer in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await Task.Delay(options.Value.ReceiptDelay, stoppingToken);
                _queued.TryRemove(customer, out _);
                await ReportAsync(customer, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The simulator could not send the {Network} receipts of {Customer}", customer.Network, customer.PlatformId);
            }
        }
    }

    public async Task ReportAsync(SimCustomer customer, CancellationToken ct)
    {
        var connection = await connections.FindAsync(customer.Network, ct);
        if (connection is null)
        {
            return;
        }

        var network = customer.Network;
        var brandId = connection.ExternalId;
        if (network == ChannelKind.WhatsApp)
        {
            var unsent = state.Read(() => customer.Messages.Where(m => !m.FromCustomer && NeedsSentStatus(customer, m)).ToList());
            if (unsent.Count > 0)
            {
                state.Change(customer, _ => unsent.ForEach(m => m.SentReported = true));
                await PostAsync(connection, WhatsAppStatuses(brandId, customer, unsent), "statuses: sent", ct);
            }
        }

        if (!IsOpen(customer))
        {
            return;
        }

        var pending = state.Read(() => customer.Messages.Where(m => !m.FromCustomer && m.Status is SimStatus.Sent or SimStatus.Delivered).ToList());
        if (pending.Count == 0)
        {
            return;
        }

        var now = state.Clock.GetUtcNow();
        var last = pending[^1];
        var undelivered = pending.Where(m => m.Status == SimStatus.Sent).ToList();
        state.Change(customer, _ => pending.ForEach(m => m.Status = SimStatus.Read));
        switch (network)
        {
            case ChannelKind.Messenger:
                if (undelivered.Count > 0)
                {
                    await PostAsync(connection, WebhookPayloads.Delivery(brandId, customer.PlatformId, undelivered.Select(m => m.Id), undelivered[^1].At, now), "delivery", ct);
                }

                await PostAsync(connection, WebhookPayloads.Read(network, brandId, customer.PlatformId, last.Id, last.At, now), "read", ct);
                break;
            case ChannelKind.Instagram:
                await PostAsync(connection, WebhookPayloads.Read(network, brandId, customer.PlatformId, last.Id, last.At, now), "messaging_seen", ct);
                break;
            case ChannelKind.WhatsApp:
                await PostAsync(connection, WebhookPayloads.Statuses(brandId, customer.PlatformId, undelivered.Select(m => (m.Id, "delivered")), now), "statuses: delivered", ct);
                await PostAsync(connection, WebhookPayloads.Statuses(brandId, customer.PlatformId, pending.Select(m => (m.Id, "read")), now), "statuses: read", ct);
                break;
            default:
                await PostAsync(connection, WebhookPayloads.XRead(brandId, customer, last.Id, now), "direct_message_mark_read_events", ct);
                break;
        }
    }

    /// <summary>WhatsApp reports every accepted message as sent, or failed with the reason (outside the 24-hour window).</summary>
    private static bool NeedsSentStatus(SimCustomer customer, SimMessage message) => customer.Network == ChannelKind.WhatsApp && !message.SentReported;

    private JsonObject WhatsAppStatuses(string brandId, SimCustomer customer, List<SimMessage> messages)
    {
        var payload = WebhookPayloads.Statuses(brandId, customer.PlatformId, messages.Select(m => (m.Id, m.Failure is null ? "sent" : "failed")), state.Clock.GetUtcNow());
        var statuses = payload["entry"]![0]!["changes"]![0]!["value"]!["statuses"]!.AsArray();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Failure is { } failure)
            {
                statuses[i]!["errors"] = new JsonArray(new JsonObject { ["code"] = failure.Code, ["title"] = failure.Title });
            }
        }

        return payload;
    }

    private Task<WebhookResult> PostAsync(ConnectionCredentials connection, JsonObject payload, string what, CancellationToken ct) =>
        webhooks.PostAsync(connection.Kind, connection, payload, what, ct);
}
