using System.Globalization;
using System.Text.Json.Nodes;
using Parley.Channels;

namespace Parley.Simulator;

/// <summary>What the customer did, in the terms the webhook carries.</summary>
public abstract record CustomerEvent(string MessageId, DateTimeOffset At)
{
    public sealed record Text(string Id, DateTimeOffset When, string Body) : CustomerEvent(Id, When);

    /// <summary>A Messenger/Instagram quick reply chip: its title as text, its payload.</summary>
    public sealed record QuickReply(string Id, DateTimeOffset When, string Title, string Payload) : CustomerEvent(Id, When);

    /// <summary>A Messenger/Instagram template button.</summary>
    public sealed record Postback(string Id, DateTimeOffset When, string Title, string Payload) : CustomerEvent(Id, When);

    /// <summary>A WhatsApp reply button or list row, answering the brand message <paramref name="Context"/>.</summary>
    public sealed record Interactive(string Id, DateTimeOffset When, bool List, string ChoiceId, string Title, string? Description, string Context)
        : CustomerEvent(Id, When);
}

/// <summary>
/// Webhook bodies in each platform's documented format, built as the platform would send them to Parley:
/// Messenger (object page), Instagram (object instagram), WhatsApp Cloud API (object whatsapp_business_account) and X's
/// Account Activity API (for_user_id, direct_message_events).
/// </summary>
public static class WebhookPayloads
{
    /// <summary>The demo's WhatsApp Business Account and the number's display form, which only label the events.</summary>
    public const string WhatsAppBusinessAccountId = "104996122399160";
    public const string WhatsAppDisplayNumber = "390687654321";

    public static JsonObject Customer(ChannelKind network, string brandId, SimCustomer customer, CustomerEvent e) => network switch
    {
        ChannelKind.Messenger or ChannelKind.Instagram => Meta(network, brandId, e.At, Messaging(brandId, customer.PlatformId, e)),
        ChannelKind.WhatsApp => WhatsApp(brandId, new JsonObject
        {
            ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = customer.Name }, ["wa_id"] = customer.PlatformId }),
            ["messages"] = new JsonArray(WhatsAppMessage(customer.PlatformId, e)),
        }),
        _ => X(brandId, customer, e),
    };

    /// <summary>Messenger: the messages up to <paramref name="watermark"/> reached the customer's device.</summary>
    public static JsonObject Delivery(string pageId, string customerId, IEnumerable<string> messageIds, DateTimeOffset watermark, DateTimeOffset at) =>
        Meta(ChannelKind.Messenger, pageId, at, new JsonObject
        {
            ["sender"] = Id(customerId),
            ["recipient"] = Id(pageId),
            ["timestamp"] = Ms(at),
            ["delivery"] = new JsonObject { ["mids"] = new JsonArray([.. messageIds.Select(m => (JsonNode)m)]), ["watermark"] = Ms(watermark) },
        });

    /// <summary>Messenger: read up to a watermark; Instagram (messaging_seen): read up to a message.</summary>
    public static JsonObject Read(ChannelKind network, string brandId, string customerId, string lastMessageId, DateTimeOffset watermark, DateTimeOffset at) =>
        Meta(network, brandId, at, new JsonObject
        {
            ["sender"] = Id(customerId),
            ["recipient"] = Id(brandId),
            ["timestamp"] = Ms(at),
            ["read"] = network == ChannelKind.Instagram ? new JsonObject { ["mid"] = lastMessageId } : new JsonObject { ["watermark"] = Ms(watermark) },
        });

    /// <summary>WhatsApp: where the brand's messages are (sent, delivered, read).</summary>
    public static JsonObject Statuses(string phoneNumberId, string customerId, IEnumerable<(string MessageId, string Status)> statuses, DateTimeOffset at) =>
        WhatsApp(phoneNumberId, new JsonObject
        {
            ["statuses"] = new JsonArray([.. statuses.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.MessageId,
                ["status"] = s.Status,
                ["timestamp"] = Seconds(at),
                ["recipient_id"] = customerId,
            })]),
        });

    /// <summary>X: the customer read the conversation up to an event.</summary>
    public static JsonObject XRead(string brandId, SimCustomer customer, string lastEventId, DateTimeOffset at) => new()
    {
        ["for_user_id"] = brandId,
        ["direct_message_mark_read_events"] = new JsonArray(new JsonObject
        {
            ["created_timestamp"] = Ms(at).ToString(CultureInfo.InvariantCulture),
            ["sender_id"] = customer.PlatformId,
            ["target"] = new JsonObject { ["recipient_id"] = brandId },
            ["last_read_event_id"] = lastEventId,
        }),
        ["users"] = XUsers(brandId, customer),
    };

    private static JsonObject Meta(ChannelKind network, string brandId, DateTimeOffset at, JsonObject messaging) => new()
    {
        ["object"] = network == ChannelKind.Instagram ? "instagram" : "page",
        ["entry"] = new JsonArray(new JsonObject { ["id"] = brandId, ["time"] = Ms(at), ["messaging"] = new JsonArray(messaging) }),
    };

    private static JsonObject Messaging(string brandId, string customerId, CustomerEvent e)
    {
        var messaging = new JsonObject { ["sender"] = Id(customerId), ["recipient"] = Id(brandId), ["timestamp"] = Ms(e.At) };
        switch (e)
        {
            case CustomerEvent.Postback p:
                messaging["postback"] = new JsonObject { ["mid"] = p.MessageId, ["title"] = p.Title, ["payload"] = p.Payload };
                break;
            case CustomerEvent.QuickReply q:
                messaging["message"] = new JsonObject { ["mid"] = q.MessageId, ["text"] = q.Title, ["quick_reply"] = new JsonObject { ["payload"] = q.Payload } };
                break;
            case CustomerEvent.Text t:
                messaging["message"] = new JsonObject { ["mid"] = t.MessageId, ["text"] = t.Body };
                break;
            default:
                throw new ArgumentException($"{e.GetType().Name} is not a Messenger event.", nameof(e));
        }

        return messaging;
    }

    private static JsonObject WhatsApp(string phoneNumberId, JsonObject value)
    {
        var full = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = WhatsAppDisplayNumber, ["phone_number_id"] = phoneNumberId },
        };
        foreach (var (key, node) in value.ToList())
        {
            value.Remove(key);
            full[key] = node;
        }

        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = WhatsAppBusinessAccountId,
                ["changes"] = new JsonArray(new JsonObject { ["value"] = full, ["field"] = "messages" }),
            }),
        };
    }

    private static JsonObject WhatsAppMessage(string customerId, CustomerEvent e)
    {
        var message = new JsonObject { ["from"] = customerId, ["id"] = e.MessageId, ["timestamp"] = Seconds(e.At) };
        switch (e)
        {
            case CustomerEvent.Interactive i:
                var kind = i.List ? "list_reply" : "button_reply";
                var reply = new JsonObject { ["id"] = i.ChoiceId, ["title"] = i.Title };
                if (i.List && i.Description is not null)
                {
                    reply["description"] = i.Description;
                }

                message["context"] = new JsonObject { ["from"] = WhatsAppDisplayNumber, ["id"] = i.Context };
                message["type"] = "interactive";
                message["interactive"] = new JsonObject { ["type"] = kind, [kind] = reply };
                break;
            case CustomerEvent.Text t:
                message["type"] = "text";
                message["text"] = new JsonObject { ["body"] = t.Body };
                break;
            default:
                throw new ArgumentException($"{e.GetType().Name} is not a WhatsApp event.", nameof(e));
        }

        return message;
    }

    private static JsonObject X(string brandId, SimCustomer customer, CustomerEvent e)
    {
        var text = e is CustomerEvent.Text t ? t.Body : throw new ArgumentException("X direct messages are text.", nameof(e));
        return new JsonObject
        {
            ["for_user_id"] = brandId,
            ["direct_message_events"] = new JsonArray(new JsonObject
            {
                ["type"] = "message_create",
                ["id"] = e.MessageId,
                ["created_timestamp"] = Ms(e.At).ToString(CultureInfo.InvariantCulture),
                ["message_create"] = new JsonObject
                {
                    ["target"] = new JsonObject { ["recipient_id"] = brandId },
                    ["sender_id"] = customer.PlatformId,
                    ["message_data"] = new JsonObject { ["text"] = text, ["entities"] = new JsonObject { ["hashtags"] = new JsonArray(), ["symbols"] = new JsonArray(), ["urls"] = new JsonArray(), ["user_mentions"] = new JsonArray() } },
                },
            }),
            ["users"] = XUsers(brandId, customer),
        };
    }

    private static JsonObject XUsers(string brandId, SimCustomer customer) => new()
    {
        [brandId] = new JsonObject { ["id"] = brandId, ["name"] = "La Posta", ["screen_name"] = "laposta" },
        [customer.PlatformId] = new JsonObject { ["id"] = customer.PlatformId, ["name"] = customer.Name, ["screen_name"] = ScreenName(customer.Name) },
    };

    /// <summary>An X handle from a display name: letters and digits, at most 15.</summary>
    public static string ScreenName(string name)
    {
        var handle = new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(15)]);
        return handle.Length > 0 ? handle : "customer";
    }

    private static JsonObject Id(string id) => new() { ["id"] = id };

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
