using System.Text.Json.Nodes;

namespace Parley.Tests.Channels.WhatsApp;

/// <summary>Webhook bodies in the format of Meta's WhatsApp Business Account webhooks (field "messages").</summary>
public static class WhatsAppPayloads
{
    public const string BusinessAccountId = "102290129340398";

    public static string Webhook(params JsonObject[] entries) =>
        new JsonObject { ["object"] = "whatsapp_business_account", ["entry"] = new JsonArray(entries) }.ToJsonString();

    public static JsonObject Entry(params JsonObject[] changes) =>
        new() { ["id"] = BusinessAccountId, ["changes"] = new JsonArray(changes) };

    /// <summary>A "messages" change for a phone number: its value holds contacts, messages, statuses or errors.</summary>
    public static JsonObject Change(JsonObject value, string phoneNumberId = WhatsAppTestHost.PhoneNumberId, string field = "messages")
    {
        value["messaging_product"] = "whatsapp";
        value["metadata"] = new JsonObject { ["display_phone_number"] = "15550783881", ["phone_number_id"] = phoneNumberId };
        return new JsonObject { ["value"] = value, ["field"] = field };
    }

    public static JsonObject Messages(IEnumerable<(string WaId, string Name)> contacts, params JsonObject[] messages) => new()
    {
        ["contacts"] = new JsonArray(contacts.Select(c => (JsonNode)new JsonObject { ["profile"] = new JsonObject { ["name"] = c.Name }, ["wa_id"] = c.WaId }).ToArray()),
        ["messages"] = new JsonArray(messages),
    };

    public static JsonObject Message(string from, string wamid, string type, JsonNode content) => new()
    {
        ["from"] = from,
        ["id"] = wamid,
        ["timestamp"] = "1764669600",
        ["type"] = type,
        [type] = content,
    };

    public static JsonObject Text(string from, string wamid, string body) => Message(from, wamid, "text", new JsonObject { ["body"] = body });

    public static JsonObject ListReply(string from, string wamid, string id, string title) =>
        Message(from, wamid, "interactive", new JsonObject
        {
            ["type"] = "list_reply",
            ["list_reply"] = new JsonObject { ["id"] = id, ["title"] = title, ["description"] = "Accounts, cards and payments" },
        });

    /// <summary>One customer's text in a whole webhook body.</summary>
    public static string CustomerText(string waId, string wamid, string body, string name = "Anna Rossi") =>
        Webhook(Entry(Change(Messages([(waId, name)], Text(waId, wamid, body)))));

    public static JsonObject Status(string wamid, string status, string recipient, JsonArray? errors = null)
    {
        var s = new JsonObject { ["id"] = wamid, ["status"] = status, ["timestamp"] = "1764669700", ["recipient_id"] = recipient };
        if (errors is not null)
        {
            s["errors"] = errors;
        }

        return s;
    }

    public static string Statuses(params JsonObject[] statuses) =>
        Webhook(Entry(Change(new JsonObject { ["statuses"] = new JsonArray(statuses) })));

    public static JsonArray StatusError(int code, string title, string details) =>
        [new JsonObject { ["code"] = code, ["title"] = title, ["message"] = title, ["error_data"] = new JsonObject { ["details"] = details } }];
}
