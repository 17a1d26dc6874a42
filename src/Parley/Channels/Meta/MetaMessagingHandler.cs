using System.Text.Json;
using Parley.Channels.Delivery;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// Messenger's and Instagram's <c>messaging</c> events (the same format; the entry id is the page or the Instagram
/// account): customers' messages, quick-reply and postback picks, echoes, delivery and read receipts, referrals. And
/// their public <c>changes</c> (a Page's feed, an Instagram account's comments and mentions), read by each network's
/// <see cref="ReadChange"/> and stored as public conversations (<see cref="PublicEventSink"/>).
/// Every event of an entry is read before any is stored, so a malformed one stores nothing of its entry.
/// </summary>
public abstract class MetaMessagingHandler(
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, PublicEventSink sink,
    ILogger logger)
    : IMetaWebhookHandler
{
    public abstract ChannelKind Kind { get; }

    public abstract string ObjectName { get; }

    public IEnumerable<string> ConnectionIds(JsonElement entry) => PlatformText.Of(entry, "id") is { Length: > 0 } id ? [id] : [];

    /// <summary>
    /// The entry's order keys, its events checked as <see cref="HandleAsync(JsonElement, IReadOnlyDictionary{string, ConnectionCredentials}, CustomerLines, CancellationToken)"/>
    /// reads them (<see cref="MessagingEvent.CustomerOf"/>: only what the key needs, the rest when they are stored).
    /// </summary>
    public IEnumerable<string> Read(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections)
    {
        if (Connection(entry, connections) is not var (id, connection))
        {
            return [];
        }

        List<string> keys = Messaging(entry) is { } messaging
            ? [.. messaging.EnumerateArray().Select(e => $"{connection.ExternalId}/{MessagingEvent.CustomerOf(e)}")]
            : [];
        keys.AddRange(Changes(entry, id).Select(c => c.OrderKey));
        return keys;
    }

    public async Task HandleAsync(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections, CustomerLines lines, CancellationToken ct)
    {
        if (Events(entry, connections) is not var (connection, events, changes))
        {
            return;
        }

        var inbox = await inboxes.FindAsync(connection.InboxId, ct) ?? throw new InvalidOperationException($"Inbox {connection.InboxId} is missing.");
        foreach (var e in events)
        {
            lines.Add($"{connection.ExternalId}/{e.CustomerId}", () => HandleAsync(connection, inbox, e, ct));
        }

        foreach (var change in changes)
        {
            lines.Add(change.OrderKey, () => HandleChangeAsync(connection, inbox, change, ct));
        }
    }

    /// <summary>One public change of the network's (a <c>changes</c> item's field and value), or null when it is not a public message.</summary>
    /// <exception cref="MetaPayloadException">The change is not in the platform's format.</exception>
    protected abstract PublicItem? ReadChange(string accountId, string field, JsonElement value);

    protected virtual Task HandleChangeAsync(ConnectionCredentials connection, Inbox inbox, PublicItem change, CancellationToken ct) =>
        sink.HandleAsync(inbox, change, ct);

    /// <summary>The entry's messaging events and public changes, when it is for a signed connection.</summary>
    /// <exception cref="MetaPayloadException">An event is not in the platform's format.</exception>
    private (ConnectionCredentials Connection, List<MessagingEvent> Events, List<PublicItem> Changes)? Events(
        JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections)
    {
        if (Connection(entry, connections) is not var (id, connection))
        {
            return null;
        }

        var events = Messaging(entry) is { } messaging ? messaging.EnumerateArray().Select(MessagingEvent.Parse).ToList() : [];
        var changes = Changes(entry, id);
        if (events.Count == 0 && changes.Count == 0)
        {
            logger.LogInformation("A {Kind} entry without messaging events or public changes was ignored", Kind);
        }

        return (connection, events, changes);
    }

    /// <summary>The signed connection an entry is for, and its id as the entry gives it.</summary>
    private static (string Id, ConnectionCredentials Connection)? Connection(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections) =>
        PlatformText.Of(entry, "id") is { } id && connections.TryGetValue(id, out var connection) ? (id, connection) : null;

    private static JsonElement? Messaging(JsonElement entry) =>
        entry.TryGetProperty("messaging", out var messaging) && messaging.ValueKind == JsonValueKind.Array ? messaging : null;

    private List<PublicItem> Changes(JsonElement entry, string accountId)
    {
        if (!entry.TryGetProperty("changes", out var changes))
        {
            return [];
        }

        if (changes.ValueKind != JsonValueKind.Array)
        {
            throw new MetaPayloadException("An entry's changes is an array.");
        }

        var items = new List<PublicItem>();
        foreach (var change in changes.EnumerateArray())
        {
            if (change.ValueKind != JsonValueKind.Object || PlatformText.Of(change, "field") is not { Length: > 0 } field || !change.TryGetProperty("value", out var value))
            {
                throw new MetaPayloadException("Each change is an object with a field and a value.");
            }

            if (ReadChange(accountId, field, value) is { } item)
            {
                items.Add(item);
            }
            else
            {
                logger.LogDebug("A {Kind} '{Field}' change that is not a public message was ignored", Kind, field);
            }
        }

        return items;
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
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, PublicEventSink sink,
    ILogger<MessengerWebhookHandler> logger)
    : MetaMessagingHandler(inboxes, contacts, engine, receipts, profiles, sink, logger)
{
    public override ChannelKind Kind => ChannelKind.Messenger;

    public override string ObjectName => "page";

    protected override PublicItem? ReadChange(string accountId, string field, JsonElement value) =>
        field == FacebookFeed.Field ? FacebookFeed.Read(accountId, value) : null;
}

public sealed class InstagramWebhookHandler(
    InboxDirectory inboxes, ContactDirectory contacts, ConversationEngine engine, DeliveryReceipts receipts, MetaProfiles profiles, PublicEventSink sink,
    InstagramMentions mentions, ILogger<InstagramWebhookHandler> logger)
    : MetaMessagingHandler(inboxes, contacts, engine, receipts, profiles, sink, logger)
{
    public override ChannelKind Kind => ChannelKind.Instagram;

    public override string ObjectName => "instagram";

    protected override PublicItem? ReadChange(string accountId, string field, JsonElement value) => InstagramChanges.Read(accountId, field, value);

    protected override Task HandleChangeAsync(ConnectionCredentials connection, Inbox inbox, PublicItem change, CancellationToken ct) =>
        change.MentionMediaId is not null ? mentions.HandleAsync(connection, inbox, change, ct) : base.HandleChangeAsync(connection, inbox, change, ct);
}
