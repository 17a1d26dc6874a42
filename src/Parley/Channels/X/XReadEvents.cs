using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.Delivery;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Channels.X;

/// <summary>
/// <c>direct_message_mark_read_events</c>: the customer read the conversation up to a DM event, so every message the brand
/// sent them until that one is read. An event id Parley does not know (not recorded yet) changes nothing: the next
/// receipt catches up, as receipts only move forward.
/// </summary>
public sealed class XReadEvents(IDbContextFactory<ParleyDb> dbs, ContactDirectory contacts, DeliveryReceipts receipts, ILogger<XReadEvents> logger)
    : IXAccountEvents
{
    public string Property => "direct_message_mark_read_events";

    /// <summary>Receipts only move forward, so they need no order.</summary>
    public IEnumerable<string> Read(JsonElement events, ConnectionCredentials connection)
    {
        _ = Receipts(events);
        return [];
    }

    public async Task HandleAsync(JsonElement events, XWebhookContext context, CancellationToken ct)
    {
        foreach (var (reader, lastRead) in Receipts(events))
        {
            if (reader == context.Connection.ExternalId || await contacts.FindAsync(context.Inbox.Id, reader, ct) is not { } contact)
            {
                // The account read the customer's messages (advisors see that in Parley), or a stranger read a DM.
                continue;
            }

            await using var db = await dbs.CreateDbContextAsync(ct);
            var readUpTo = await db.Messages.AsNoTracking()
                .Where(m => m.InboxId == context.Inbox.Id && m.ChannelMessageId == lastRead)
                .Select(m => (DateTime?)m.CreatedAt)
                .FirstOrDefaultAsync(ct);
            if (readUpTo is null)
            {
                logger.LogDebug("X read receipt up to unknown event {EventId} ignored", lastRead);
                continue;
            }

            await receipts.UpToAsync(context.Inbox.Id, contact.ContactId, readUpTo.Value, DeliveryStatus.Read, ct);
        }
    }

    /// <summary>Who read, up to which event.</summary>
    private List<(string Reader, string LastRead)> Receipts(JsonElement events)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            throw new XPayloadException($"{Property} is an array.");
        }

        return
        [
            .. events.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object
                ? (XPayload.Id(PlatformText.Of(e, "sender_id"), "sender_id"), XPayload.Id(PlatformText.Of(e, "last_read_event_id"), "last_read_event_id"))
                : throw new XPayloadException("Each read event is an object.")),
        ];
    }
}
