using System.Text.Json;
using Parley.Channels.Webhooks;
using Parley.Contacts;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>
/// <c>direct_message_events</c>: a customer's DM is stored once per DM event id (a retried webhook finds it) and goes to the
/// bot or the advisor. A DM sent by the account itself is an echo: ignored when Parley sent it, recorded in the
/// conversation when someone sent it from another tool (X's own app).
/// </summary>
public sealed class XDirectMessageEvents(ContactDirectory contacts, ConversationEngine engine, XBrandEchoes echoes, ILogger<XDirectMessageEvents> logger)
    : IXAccountEvents
{
    public string Property => "direct_message_events";

    public IEnumerable<string> Read(JsonElement events, ConnectionCredentials connection) =>
        Messages(events, connection).Select(dm => $"{connection.ExternalId}/{(dm.SenderId == connection.ExternalId ? dm.RecipientId : dm.SenderId)}").ToList();

    public async Task HandleAsync(JsonElement events, XWebhookContext context, CancellationToken ct)
    {
        // Each customer's in order, the webhook's customers together (one group commit).
        var lines = new CustomerLines();
        try
        {
            foreach (var dm in Messages(events, context.Connection))
            {
                var echo = dm.SenderId == context.Connection.ExternalId;
                lines.Add($"{context.Connection.ExternalId}/{(echo ? dm.RecipientId : dm.SenderId)}",
                    () => echo ? EchoAsync(dm, context, ct) : AcceptAsync(dm, context, ct));
            }

            await lines.DrainAsync();
        }
        finally
        {
            await lines.SettleAsync();
        }
    }

    /// <summary>The direct messages from or to the account (other events are skipped).</summary>
    private List<XDirectMessage> Messages(JsonElement events, ConnectionCredentials connection)
    {
        if (events.ValueKind != JsonValueKind.Array)
        {
            throw new XPayloadException($"{Property} is an array.");
        }

        var messages = new List<XDirectMessage>();
        foreach (var e in events.EnumerateArray())
        {
            if (XDirectMessage.Parse(e) is not { } dm)
            {
                logger.LogDebug("X direct message event of type {Type} ignored", Webhooks.PlatformText.Of(e, "type"));
                continue;
            }

            messages.Add(dm.SenderId == connection.ExternalId || dm.RecipientId == connection.ExternalId
                ? dm
                : throw new XPayloadException($"Direct message {dm.Id} is neither from nor to the account {connection.ExternalId}."));
        }

        return messages;
    }

    private async Task AcceptAsync(XDirectMessage dm, XWebhookContext context, CancellationToken ct)
    {
        var profile = context.Profile(dm.SenderId);
        var contact = await contacts.FindOrCreateAsync(context.Inbox, dm.SenderId, verified: true, profile, ct);
        var payload = dm.Media.Count > 0 ? new MessagePayload(Media: dm.Media) : null;
        await engine.AcceptAsync(
            new InboundMessage(context.Inbox, contact, dm.Id, payload is null ? ContentType.Text : ContentType.Media, dm.Text,
                ReplyTo: dm.QuickReply, AuthorName: profile?.Name, Payload: payload),
            ct);
    }

    private async Task EchoAsync(XDirectMessage dm, XWebhookContext context, CancellationToken ct)
    {
        if (await contacts.FindAsync(context.Inbox.Id, dm.RecipientId, ct) is not { } known)
        {
            // The account wrote first to someone who never wrote to it: there is no conversation to show it in.
            return;
        }

        if (await echoes.SentByParleyAsync(context.Inbox.Id, known.ContactId, dm.Id, dm.Text, ct))
        {
            return;
        }

        var payload = dm.Media.Count > 0 ? new MessagePayload(Media: dm.Media) : null;
        await engine.RecordBrandMessageAsync(context.Inbox, known.ContactId, dm.Id, dm.Text, payload, ct);
    }
}
