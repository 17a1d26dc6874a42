using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Channels;
using static Parley.Simulator.SimulatedApi;

namespace Parley.Simulator;

/// <summary>
/// The Send API of Messenger and Instagram (POST /{page or IG id}/messages): text, quick replies, attachments and button
/// templates, or a sender action (typing_on, typing_off, mark_seen), checked as the platform checks them.
/// </summary>
public sealed class MessengerSends(SimulatorState state, SimulatedReceipts receipts)
{
    public const int MaxQuickReplies = 13;
    public const int MaxQuickReplyTitle = 20;
    public const int MaxButtons = 3;
    public const int MaxElements = 10;
    public const int MaxCardText = 80;

    /// <param name="privateReply">A private reply to a comment (<see cref="PrivateReplies"/>): its own rules replace the 24-hour window.</param>
    public ApiAnswer Send(ConnectionCredentials connection, JsonElement body, bool privateReply = false)
    {
        var network = connection.Kind;
        var recipientId = Member(body, "recipient") is { } recipient ? Text(recipient, "id") : null;
        if (string.IsNullOrEmpty(recipientId) || !SimulatedNetworks.IsValidCustomerId(recipientId))
        {
            return ApiAnswer.GraphParameter("The parameter recipient is required (recipient.id: the customer's id).");
        }

        var customer = Recipient(state, network, recipientId);
        if (Text(body, "sender_action") is { } action)
        {
            return SenderAction(customer, action);
        }

        if (Member(body, "message") is not { } message)
        {
            return ApiAnswer.GraphParameter("The parameter message or sender_action is required.");
        }

        var messagingType = Text(body, "messaging_type");
        if (network == ChannelKind.Messenger && messagingType is not ("RESPONSE" or "UPDATE" or "MESSAGE_TAG"))
        {
            return ApiAnswer.GraphParameter("messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG.");
        }

        var tagged = messagingType == "MESSAGE_TAG";
        if (tagged && string.IsNullOrEmpty(Text(body, "tag")))
        {
            return ApiAnswer.GraphParameter("A MESSAGE_TAG message needs a tag.");
        }

        var now = state.Clock.GetUtcNow();
        if (!tagged && !privateReply && LastCustomerMessage(state, customer) is { } last && now - last > TimeSpan.FromHours(24))
        {
            return ApiAnswer.Graph(StatusCodes.Status400BadRequest, 10, "(#10) This message is sent outside of allowed window.", subcode: 2018278);
        }

        var parsed = Parse(network, message, out var problem);
        if (parsed is null)
        {
            return ApiAnswer.GraphParameter(problem!);
        }

        var id = SimulatedNetworks.NewMessageId(network);
        state.Add(customer, new SimMessage
        {
            Id = id,
            FromCustomer = false,
            At = now,
            Text = parsed.Text,
            Style = parsed.Style,
            Choices = parsed.Choices,
            MediaKind = parsed.MediaKind,
            MediaUrl = parsed.MediaUrl,
            Status = SimStatus.Sent,
        });
        receipts.Wake(customer);
        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["recipient_id"] = recipientId, ["message_id"] = id });
    }

    private ApiAnswer SenderAction(SimCustomer customer, string action)
    {
        var now = state.Clock.GetUtcNow();
        switch (action)
        {
            case "typing_on":
                state.Change(customer, c => c.TypingUntil = now.AddSeconds(20));
                break;
            case "typing_off":
                state.Change(customer, c => c.TypingUntil = null);
                break;
            case "mark_seen":
                state.Change(customer, c => c.Messages.Where(m => m.FromCustomer && m.Status == SimStatus.Sent).ToList().ForEach(m => m.Status = SimStatus.Read));
                break;
            default:
                return ApiAnswer.GraphParameter("sender_action must be typing_on, typing_off or mark_seen.");
        }

        return new ApiAnswer(StatusCodes.Status200OK, new JsonObject { ["recipient_id"] = customer.PlatformId });
    }

    private sealed record Parsed(string? Text, ChoiceStyle Style, IReadOnlyList<SimChoice> Choices, string? MediaKind = null, string? MediaUrl = null);

    private static Parsed? Parse(ChannelKind network, JsonElement message, out string? problem)
    {
        problem = null;
        var text = Text(message, "text");
        var attachment = Member(message, "attachment");
        if ((text is null) == (attachment is null))
        {
            problem = "A message has text or an attachment (one of them).";
            return null;
        }

        var maxText = network == ChannelKind.Instagram ? 1000 : 2000;
        if (text is not null && (text.Length == 0 || text.Length > maxText))
        {
            problem = $"message.text must have 1 to {maxText} characters.";
            return null;
        }

        var choices = new List<SimChoice>();
        if (Items(message, "quick_replies") is { } quickReplies)
        {
            foreach (var reply in quickReplies.EnumerateArray())
            {
                if (Text(reply, "content_type") != "text")
                {
                    continue;
                }

                var (title, payload) = (Text(reply, "title"), Text(reply, "payload"));
                if (string.IsNullOrEmpty(title) || title.Length > MaxQuickReplyTitle || string.IsNullOrEmpty(payload) || payload.Length > 1000)
                {
                    problem = $"Each text quick reply has a title of 1 to {MaxQuickReplyTitle} characters and a payload.";
                    return null;
                }

                choices.Add(new SimChoice(payload, title));
            }

            if (quickReplies.GetArrayLength() is 0 or > MaxQuickReplies)
            {
                problem = $"message.quick_replies has 1 to {MaxQuickReplies} items.";
                return null;
            }
        }

        if (attachment is not { } a)
        {
            return new Parsed(text, choices.Count > 0 ? ChoiceStyle.QuickReplies : ChoiceStyle.None, choices);
        }

        var type = Text(a, "type");
        var payloadObject = Member(a, "payload");
        if (type is "image" or "video" or "audio" or "file")
        {
            var url = payloadObject is { } p ? Text(p, "url") ?? Text(p, "attachment_id") : null;
            if (url is null)
            {
                problem = "An attachment's payload has a url or an attachment_id.";
                return null;
            }

            return new Parsed(null, choices.Count > 0 ? ChoiceStyle.QuickReplies : ChoiceStyle.None, choices, type, url);
        }

        if (type == "template" && payloadObject is { } template)
        {
            return Template(template, choices, out problem);
        }

        problem = "attachment.type must be image, video, audio, file or template.";
        return null;
    }

    /// <summary>A button template (text and up to three buttons) or a generic template (up to 10 cards, each a title, a subtitle, an image, buttons), shown as lines.</summary>
    private static Parsed? Template(JsonElement template, List<SimChoice> quickReplies, out string? problem)
    {
        problem = null;
        var kind = Text(template, "template_type");
        var lines = new List<string>();
        var buttons = new List<SimChoice>();
        IEnumerable<JsonElement> holders = kind switch
        {
            "button" => [template],
            "generic" when Items(template, "elements") is { } elements => elements.EnumerateArray().ToList(),
            _ => [],
        };
        foreach (var holder in holders)
        {
            if (kind == "generic" && (Text(holder, "title") is not { Length: > 0 and <= MaxCardText } || Text(holder, "subtitle")?.Length > MaxCardText
                || Items(holder, "buttons")?.GetArrayLength() > MaxButtons))
            {
                problem = $"Each element has a title of 1 to {MaxCardText} characters, a subtitle of at most {MaxCardText} and up to {MaxButtons} buttons.";
                return null;
            }

            lines.AddRange(new[] { Text(holder, "text"), Text(holder, "title"), Text(holder, "subtitle") }.OfType<string>());
            if (Text(holder, "image_url") is { } image)
            {
                lines.Add("🖼 " + image);
            }

            foreach (var button in Items(holder, "buttons")?.EnumerateArray() ?? Enumerable.Empty<JsonElement>())
            {
                var title = Text(button, "title");
                var link = Text(button, "type") == "web_url";
                var value = link ? Text(button, "url") : Text(button, "payload");
                if (string.IsNullOrEmpty(title) || string.IsNullOrEmpty(value))
                {
                    problem = "Each button has a title and a payload (or a url).";
                    return null;
                }

                // A link opens a page on the customer's phone; only postbacks come back to the brand.
                if (link)
                {
                    lines.Add($"🔗 {title}: {value}");
                }
                else
                {
                    buttons.Add(new SimChoice(value, title));
                }
            }
        }

        var cards = kind == "generic" ? holders.Count() : 0;
        if (lines.Count == 0 || (kind == "button" && buttons.Count is 0 or > MaxButtons) || (kind == "generic" && cards is 0 or > MaxElements))
        {
            problem = $"A template is a button template (text and 1 to {MaxButtons} buttons) or a generic template (1 to {MaxElements} elements, each with a title).";
            return null;
        }

        return quickReplies.Count > 0
            ? new Parsed(string.Join('\n', lines), ChoiceStyle.QuickReplies, quickReplies)
            : new Parsed(string.Join('\n', lines), buttons.Count > 0 ? ChoiceStyle.Postbacks : ChoiceStyle.None, buttons);
    }
}
