using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.Delivery;

/// <summary>
/// Passes advisors' typing and reading on to the platforms that show them to the customer (Messenger's and Instagram's
/// sender actions, WhatsApp's read marks). Best effort: a signal is sent at most every few seconds per conversation and
/// kind, and one that fails is only logged (it matters for seconds).
/// </summary>
public sealed class CustomerSignals(
    ConversationEventHub hub,
    IDbContextFactory<ParleyDb> dbs,
    ChannelConnectors connectors,
    ConnectionDirectory connections,
    TimeProvider clock,
    ILogger<CustomerSignals> logger) : BackgroundService
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
    private readonly Dictionary<(long, SignalKind), DateTime> _lastSent = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = hub.SubscribeAll();
        try
        {
            await foreach (var e in subscription.Reader.ReadAllAsync(stoppingToken))
            {
                var kind = e switch
                {
                    TypingChanged { AuthorKind: AuthorKind.Advisor, Typing: true } => SignalKind.Typing,
                    ReadUpTo { Reader: AuthorKind.Advisor } => SignalKind.Seen,
                    _ => (SignalKind?)null,
                };
                if (kind is { } k && Due(e.ConversationId, k))
                {
                    await SignalAsync(e.ConversationId, k, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private bool Due(long conversationId, SignalKind kind)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_lastSent.TryGetValue((conversationId, kind), out var last) && now - last < MinInterval)
        {
            return false;
        }

        if (_lastSent.Count > 10_000)
        {
            _lastSent.Clear();
        }

        _lastSent[(conversationId, kind)] = now;
        return true;
    }

    private async Task SignalAsync(long conversationId, SignalKind kind, CancellationToken ct)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var conversation = await db.Conversations.AsNoTracking()
                .Where(c => c.Id == conversationId)
                .Select(c => new { c.InboxId, c.ContactId, c.Channel, c.LastCustomerMessageAt })
                .FirstOrDefaultAsync(ct);
            if (conversation is null || connectors.Find(conversation.Channel) is not { Capabilities.PullDelivery: false } connector
                || await connections.FindByInboxAsync(conversation.InboxId, ct) is not { Enabled: true } connection)
            {
                return;
            }

            var recipient = await db.ContactIdentities.AsNoTracking()
                .Where(i => i.ContactId == conversation.ContactId && i.InboxId == conversation.InboxId)
                .Select(i => i.ExternalId).FirstOrDefaultAsync(ct);
            var lastId = await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversationId && m.AuthorKind == AuthorKind.Customer && m.ChannelMessageId != null)
                .OrderByDescending(m => m.Seq).Select(m => m.ChannelMessageId).FirstOrDefaultAsync(ct);
            if (recipient is not null)
            {
                await connector.SignalAsync(new CustomerSignal(kind, connection, recipient, lastId, conversation.LastCustomerMessageAt), ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogInformation(e, "The {Kind} signal of conversation {ConversationId} was not passed on", kind, conversationId);
        }
    }
}
