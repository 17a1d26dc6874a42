using System.Text.Json;
using Parley.Channels.Delivery;
using Parley.Channels.Meta;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.WhatsApp;

/// <summary>
/// WhatsApp Business Account webhooks (object <c>whatsapp_business_account</c>): each entry is a business account, each
/// of its <c>changes</c> names the phone number it is for in <c>value.metadata.phone_number_id</c>, the connection's id.
/// Customers' messages are stored once per wamid, statuses move the business's messages forward, and errors are logged.
/// </summary>
public sealed class WhatsAppWebhookHandler(
    InboxDirectory inboxes,
    ContactDirectory contacts,
    ConversationEngine engine,
    DeliveryReceipts receipts,
    DeliverySettler settler,
    ILogger<WhatsAppWebhookHandler> logger) : IMetaWebhookHandler
{
    public ChannelKind Kind => ChannelKind.WhatsApp;

    public string ObjectName => "whatsapp_business_account";

    public IEnumerable<string> ConnectionIds(JsonElement entry)
    {
        // Called on any JSON before the signature is checked: it reads, never throws.
        if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return changes.EnumerateArray().Select(PhoneNumberId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    public IEnumerable<string> Read(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections)
    {
        var keys = new List<string>();
        foreach (var (phoneNumberId, value) in MessageChanges(entry, log: false))
        {
            if (value.TryGetProperty("messages", out var messages))
            {
                // A customer's messages are stored in order; statuses only move messages forward, in any order.
                keys.AddRange(Array(messages, "value.messages").Select(m => $"{phoneNumberId}/{WhatsAppInbound.Message(m).From}"));
            }

            if (value.TryGetProperty("statuses", out var statuses))
            {
                _ = Array(statuses, "value.statuses").Select(WhatsAppInbound.Status).ToList();
            }
        }

        return keys;
    }

    public async Task HandleAsync(JsonElement entry, IReadOnlyDictionary<string, ConnectionCredentials> connections, CustomerLines lines, CancellationToken ct)
    {
        foreach (var (phoneNumberId, value) in MessageChanges(entry, log: true))
        {
            if (phoneNumberId is null || !connections.TryGetValue(phoneNumberId, out var connection))
            {
                logger.LogWarning("A WhatsApp change for phone number {PhoneNumberId}, which is not a connection signed by this app, was ignored", phoneNumberId);
                continue;
            }

            if (await inboxes.FindAsync(connection.InboxId, ct) is not { } inbox)
            {
                logger.LogError("The inbox {InboxId} of WhatsApp connection {ConnectionId} is missing", connection.InboxId, connection.ConnectionId);
                continue;
            }

            Messages(phoneNumberId, inbox, value, lines, ct);
            await StatusesAsync(inbox, value, ct);
            LogErrors(phoneNumberId, value);
        }
    }

    /// <summary>The entry's <c>messages</c> changes, with the phone number each is for.</summary>
    /// <exception cref="MetaPayloadException">The entry is not in WhatsApp's format.</exception>
    private List<(string? PhoneNumberId, JsonElement Value)> MessageChanges(JsonElement entry, bool log)
    {
        if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
        {
            throw new MetaPayloadException("Each entry has a 'changes' array.");
        }

        var found = new List<(string?, JsonElement)>();
        foreach (var change in changes.EnumerateArray())
        {
            if (change.ValueKind != JsonValueKind.Object)
            {
                throw new MetaPayloadException("Each of entry.changes is an object.");
            }

            var field = PlatformText.Of(change, "field");
            if (field != "messages")
            {
                if (log)
                {
                    logger.LogInformation("WhatsApp webhook field {Field} ignored (only 'messages' is used)", field);
                }

                continue;
            }

            if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
            {
                throw new MetaPayloadException("A 'messages' change has a 'value' object.");
            }

            found.Add((PhoneNumberId(change), value));
        }

        return found;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement list, string what) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : throw new MetaPayloadException($"{what} is an array.");

    private static string? PhoneNumberId(JsonElement change) =>
        change.ValueKind == JsonValueKind.Object && change.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("metadata", out var metadata)
            ? PlatformText.Of(metadata, "phone_number_id") is { Length: > 0 } id ? id : null
            : null;

    /// <summary>Each message goes in its customer's line (the webhook's customers are stored together).</summary>
    private void Messages(string phoneNumberId, Inbox inbox, JsonElement value, CustomerLines lines, CancellationToken ct)
    {
        if (!value.TryGetProperty("messages", out var messages))
        {
            return;
        }

        var names = Names(value);
        foreach (var element in Array(messages, "value.messages"))
        {
            var message = WhatsAppInbound.Message(element);
            var name = names.GetValueOrDefault(message.From);

            // Only what WhatsApp gave: a contact's name is not erased when a webhook lacks the profile.
            var profile = name is null ? null : new ContactProfile(name, null, Phone: IsPhoneDigits(message.From) ? "+" + message.From : null);
            lines.Add($"{phoneNumberId}/{message.From}", async () =>
            {
                var contactId = await contacts.FindOrCreateAsync(inbox, message.From, verified: true, profile, ct);
                await engine.AcceptAsync(new InboundMessage(inbox, contactId, message.Wamid, message.ContentType, message.Text, message.ReplyTo,
                    name, Payload: message.Payload, EntryPoint: message.EntryPoint), ct);
            });
        }
    }

    /// <summary>The profile names of <c>value.contacts</c>, by wa_id.</summary>
    private static Dictionary<string, string> Names(JsonElement value)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.TryGetProperty("contacts", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var contact in list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
            {
                if (PlatformText.Of(contact, "wa_id") is { Length: > 0 } waId && contact.TryGetProperty("profile", out var profile)
                    && PlatformText.Of(profile, "name") is { } name && name.Trim().Length > 0)
                {
                    names[waId] = name.Length > 200 ? name[..200] : name.Trim();
                }
            }
        }

        return names;
    }

    private static bool IsPhoneDigits(string waId) => waId.Length is >= 5 and <= 20 && waId.All(char.IsAsciiDigit);

    private async Task StatusesAsync(Inbox inbox, JsonElement value, CancellationToken ct)
    {
        if (!value.TryGetProperty("statuses", out var list))
        {
            return;
        }

        var statuses = Array(list, "value.statuses").Select(WhatsAppInbound.Status).ToList();

        // Receipts only move forward, so applying every delivered before every read before every failure loses nothing.
        foreach (var state in new[] { DeliveryStatus.Delivered, DeliveryStatus.Read })
        {
            var ids = statuses.Where(s => s.Status == state).Select(s => s.Wamid).Distinct().ToList();
            await ApplyAsync(inbox, ids, state, null, ct);
        }

        foreach (var failed in statuses.Where(s => s.Status == DeliveryStatus.Failed))
        {
            await ApplyAsync(inbox, [failed.Wamid], DeliveryStatus.Failed, failed.Failure, ct);
        }
    }

    private async Task ApplyAsync(Inbox inbox, List<string> wamids, DeliveryStatus status, string? failure, CancellationToken ct)
    {
        if (wamids.Count == 0 || await receipts.ByIdsAsync(inbox.Id, wamids, status, failure, ct) > 0)
        {
            return;
        }

        // WhatsApp may report on a message before this node has written the wamid Meta answered with: write it, then look again.
        await settler.FlushAsync();
        await receipts.ByIdsAsync(inbox.Id, wamids, status, failure, ct);
    }

    private void LogErrors(string phoneNumberId, JsonElement value)
    {
        if (WhatsAppInbound.Errors(value) is { } error)
        {
            logger.LogWarning("WhatsApp reported an error on phone number {PhoneNumberId}: {Error}", phoneNumberId, error);
        }
    }
}
