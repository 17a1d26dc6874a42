using System.Text.Json;
using Parley.Channels.Delivery;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// Messenger's and Instagram's <c>messaging</c> events (the same format; the entry id is the page or the Instagram
/// account): customers' messages, quick-reply and postback picks, echoes, delivery and read receipts, referrals.
/// Every event of an entry is read before any is stored, so a malformed one stores nothing of its entry.
/// </summary>
public abstract class MetaMessagingHandler(
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, ILogger logger)
    : IMetaWebhookHandler
{
    public abstract ChannelKind Kind { get; }

    public abstract string ObjectName { get; }

    public IEnumerable<string> ConnectionIds(JsonElement entry) => PlatformText.Of(entry, "id") is { Length: > 0 } id ? [id] : [];

    public IEnumerable<string> Read(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections) =>
        Events(entry, connections) is { } read ? read.Events.Select(e => $"{read.Connection.ExternalId}/{e.CustomerId}").ToList() : [];

    public async Task HandleAsync(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections, CancellationToken ct)
    {
        if (Events(entry, connections) is not var (connection, events))
        {
            return;
        }

        var inbox = await inboxes.FindAsync(connection.InboxId, ct) ?? throw new InvalidOperationException($"Inbox {connection.InboxId} is missing.");
        foreach (var e in events)
        {
            await HandleAsync(connection, inbox, e, ct);
        }
    }

    /// <summary>The entry's messaging events, when it is for a signed connection and has any.</summary>
    /// <exception cref="MetaPayloadException">An event is not in the platform's format.</exception>
    private (ConnectionCredentials Connection, List<MessagingEvent> Events)? Events(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections)
    {
        if (PlatformText.Of(entry, "id") is not { } id || !connections.TryGetValue(id, out var connection))
        {
            return null;
        }

        if (!entry.TryGetProperty("messaging", out var messaging) || messaging.ValueKind != JsonValueKind.Array)
        {
            // Comments and mentions come as "changes": public conversations are handled elsewhere.
            logger.LogInformation("A {Kind} entry without messaging events was ignored", Kind);
            return null;
        }

        return (connection, messaging.EnumerateArray().Select(MessagingEvent.Parse).ToList());
    }

    private async Task HandleAsync(ConnectionCredentials connection, Inbox inbox, MessagingEvent e, CancellationToken ct)
    {
        switch (e.Kind)
        {
            case MessagingEventKind.Message:
                var contact = await contacts.FindOrCreateAsync(inbox, e.CustomerId, verified: true, null, ct);
                var media = e.Media is { Count: > 0 };
                await engine.AcceptAsync(new InboundMessage(inbox, contact, e.MessageId!, media ? ContentType.Media : ContentType.Text,
                    e.Text ?? (media ? null : string.Empty), e.Picked, Payload: media ? new MessagePayload(Media: e.Media) : null, EntryPoint: e.Referral), ct);
                profiles.Request(connection, contact, e.CustomerId);
                break;
            case MessagingEventKind.Echo when e.Metadata?.StartsWith(MetaMessagingConnector.MetadataPrefix, StringComparison.Ordinal) == true:
                // Parley's own message coming back: it is stored already.
                break;
            case MessagingEventKind.Echo:
                var recipient = await contacts.FindOrCreateAsync(inbox, e.CustomerId, verified: true, null, ct);
                await engine.RecordBrandMessageAsync(inbox, recipient, e.MessageId!, e.Text,
                    e.Media is { Count: > 0 } ? new MessagePayload(Media: e.Media) : null, ct);
                break;
            case MessagingEventKind.Delivery:
                await receipts.ByIdsAsync(inbox.Id, e.DeliveredIds ?? [], DeliveryStatus.Delivered, null, ct);
                if (e.Watermark is { } delivered && await contacts.FindAsync(inbox.Id, e.CustomerId, ct) is { } known)
                {
                    await receipts.UpToAsync(inbox.Id, known.ContactId, delivered, DeliveryStatus.Delivered, ct);
                }

                break;
            case MessagingEventKind.Read:
                if (await contacts.FindAsync(inbox.Id, e.CustomerId, ct) is { } reader)
                {
                    await receipts.UpToAsync(inbox.Id, reader.ContactId, e.Watermark!.Value, DeliveryStatus.Read, ct);
                }

                break;
            case MessagingEventKind.Referral:
                // The customer's first message will carry the referral when they write; a click alone opens nothing.
                logger.LogInformation("{Kind} referral without a message from {Customer}: {Referral}", Kind, e.CustomerId, e.Referral);
                break;
            default:
                logger.LogInformation("{Kind} event '{Event}' is not handled; answered 200", Kind, e.OtherName);
                break;
        }
    }
}

public sealed class MessengerWebhookHandler(
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, ILogger<MessengerWebhookHandler> logger)
    : MetaMessagingHandler(inboxes, contacts, engine, receipts, profiles, logger)
{
    public override ChannelKind Kind => ChannelKind.Messenger;

    public override string ObjectName => "page";
}

public sealed class InstagramWebhookHandler(
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, ILogger<InstagramWebhookHandler> logger)
    : MetaMessagingHandler(inboxes, contacts, engine, receipts, profiles, logger)
{
    public override ChannelKind Kind => ChannelKind.Instagram;

    public override string ObjectName => "instagram";
}
