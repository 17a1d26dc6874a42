using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Channels.Media;
using Parley.Conversations;

namespace Parley.Channels.Meta;

/// <summary>
/// Sends to Messenger (<c>POST {graph}/{page-id}/messages</c>) and Instagram (<c>POST {graph}/{ig-id}/messages</c>), which
/// share the Send API: a recipient id, the messaging type (or the HUMAN_AGENT tag), text with quick replies, or an
/// attachment (a platform's media, or an advisor's file by its signed link, <see cref="MediaLinks"/>). Each message carries <c>metadata</c> naming it, so its echo is known as Parley's own. A public
/// conversation's message goes as a public reply under its comment (<see cref="MetaPublicApi"/>).
/// </summary>
public abstract class MetaMessagingConnector(MetaGraphClient graph, MetaPublicApi publicApi, TimeProvider clock, IOptions<MetaOptions> options)
    : IChannelConnector, IChainedSends
{
    /// <summary>The metadata prefix of Parley's own messages, which their echoes carry back.</summary>
    public const string MetadataPrefix = "parley:";

    public abstract ChannelKind Kind { get; }

    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: true, ListPicker: false, Attachments: true, TypingIndicators: true, ReadReceipts: true,
        PullDelivery: false, ReplyWindow: MetaSendRules.StandardWindow, OneConversationPerContact: false, SendRatePerSecond: 300);

    /// <summary><see cref="MetaOptions.SendBatch"/>; a public reply always goes alone, to its comment.</summary>
    public int ChainLimit => options.Value.SendBatch;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var outbound = message;
        if (outbound.Connection is not { } connection)
        {
            return SendResult.Fail($"The {Kind} inbox has no connection to send with.");
        }

        if (outbound.IsPublic)
        {
            return await PublicReplyAsync(outbound, connection, cancellationToken);
        }

        var (body, refusal) = Body(outbound);
        if (body is null)
        {
            return refusal!;
        }

        var (answer, failure) = await graph.PostAsync(connection, MessagesPath(connection), body, cancellationToken);
        return failure ?? Sent(answer);
    }

    /// <summary>
    /// A conversation's messages in one Graph batch, each run once the one before it went (<see cref="MetaGraphClient.ChainAsync"/>):
    /// one round trip instead of one per message, in the same order. A message the rules refuse fails alone, as it would
    /// sent by itself; the others go.
    /// </summary>
    public async Task<IReadOnlyList<SendResult?>> SendChainAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 1 || messages[0].Connection is not { } connection || messages.Any(m => m.IsPublic))
        {
            // Nothing to chain: the first goes alone, the others are not run (sent again after it, in order).
            return [await SendAsync(messages[0], cancellationToken), .. new SendResult?[messages.Count - 1]];
        }

        var results = new SendResult?[messages.Count];
        var calls = new List<(string Path, IReadOnlyList<KeyValuePair<string, string>> Form)>();
        var callOf = new List<int>();
        for (var i = 0; i < messages.Count; i++)
        {
            var (body, refusal) = Body(messages[i]);
            if (body is null)
            {
                results[i] = refusal;
                continue;
            }

            // Graph's batch takes each call's parameters as a form; the objects go as JSON, as the Send API accepts them.
            calls.Add((MessagesPath(connection), body.Select(p => KeyValuePair.Create(p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var text)
                ? text
                : p.Value!.ToJsonString())).ToList()));
            callOf.Add(i);
        }

        if (calls.Count == 0)
        {
            return results;
        }

        var (answers, failure) = await graph.ChainAsync(connection, calls, cancellationToken);
        for (var c = 0; c < calls.Count; c++)
        {
            // The request failed as a whole: its first message carries the failure, the others were not run.
            results[callOf[c]] = failure is not null ? (c == 0 ? failure : null)
                : answers![c] is not { } answer ? null
                : answer.Failure ?? Sent(answer.Body);
        }

        return results;
    }

    private static string MessagesPath(ConnectionCredentials connection) => $"{Uri.EscapeDataString(connection.ExternalId)}/messages";

    private static SendResult Sent(JsonElement? answer) =>
        answer is { } json && json.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } mid
            ? SendResult.Sent(mid)
            : SendResult.Retry("The Send API answered without a message_id.");

    /// <summary>The Send API's body for a private message, or why it cannot go (outside the window, too long...).</summary>
    private (JsonObject? Body, SendResult? Refusal) Body(OutboundMessage outbound)
    {
        var (terms, refusal) = MetaSendRules.Terms(outbound.Author, outbound.LastCustomerMessageAt, clock.GetUtcNow().UtcDateTime);
        if (terms is null)
        {
            return (null, SendResult.Fail(refusal!));
        }

        var (content, problem) = Content(outbound);
        if (content is null)
        {
            return (null, SendResult.Fail(problem ?? $"The message is longer than {MetaSendRules.MaxText} characters, {Kind}'s limit."));
        }

        var body = new JsonObject
        {
            ["recipient"] = new JsonObject { ["id"] = outbound.RecipientId },
            ["messaging_type"] = terms.MessagingType,
            ["message"] = content,
        };
        if (terms.Tag is not null)
        {
            body["tag"] = terms.Tag;
        }

        return (body, null);
    }

    /// <summary>A public reply: text only, signed, under the comment the message names; no messaging window applies.</summary>
    private Task<SendResult> PublicReplyAsync(OutboundMessage outbound, ConnectionCredentials connection, CancellationToken ct)
    {
        if (outbound.Message.ParentChannelMessageId is not { } commentId)
        {
            return Task.FromResult(SendResult.Fail("A public reply names the comment it answers, and this message names none."));
        }

        var body = outbound.Payload?.Cards is { Count: > 0 } cards ? CardText.Render(outbound.Message.Text, cards) : outbound.Message.Text ?? string.Empty;
        var text = OutboundMessage.WithSignature(body, outbound.Author, outbound.Message.AuthorName);
        if (text.Trim().Length == 0 || PublicReplyRules.TextRefusal(Kind, text) is not null)
        {
            return Task.FromResult(SendResult.Fail(PublicReplyRules.TextRefusal(Kind, text) ?? "A public reply carries text, and this message has none."));
        }

        return publicApi.ReplyAsync(Kind, connection, commentId, text, ct);
    }

    /// <summary>Sender actions (<c>typing_on</c>, <c>mark_seen</c>); Meta takes them only inside the 24-hour window.</summary>
    public async Task SignalAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        if (MetaSendRules.Terms(AuthorKind.Bot, signal.LastCustomerMessageAt, clock.GetUtcNow().UtcDateTime).Terms is null)
        {
            return;
        }

        var body = new JsonObject
        {
            ["recipient"] = new JsonObject { ["id"] = signal.RecipientId },
            ["sender_action"] = signal.Kind == SignalKind.Typing ? "typing_on" : "mark_seen",
        };
        await graph.PostAsync(signal.Connection, $"{Uri.EscapeDataString(signal.Connection.ExternalId)}/messages", body, cancellationToken);
    }

    public OptionsPreview PreviewOptions(string text, IReadOnlyList<MessageOption> options)
    {
        var (quickReplies, _) = MetaSendRules.Options(text, options, out var warning);
        return new OptionsPreview(quickReplies is null ? "Numbered list" : $"Quick replies ({quickReplies.Count})", warning is null ? [] : [warning]);
    }

    /// <summary>
    /// The Send API's <c>message</c>: text (signed for an advisor) with quick replies, a media attachment, or cards as a
    /// generic template; null with the reason when it cannot go (too long; cards with a text of their own).
    /// </summary>
    private static (JsonObject? Content, string? Problem) Content(OutboundMessage outbound)
    {
        var metadata = MetadataPrefix + outbound.Message.Id;
        if (outbound.Payload?.Cards is { Count: > 0 } cards)
        {
            // A template has no text of its own: the bot sends the text before it, as its own message.
            if (!string.IsNullOrWhiteSpace(outbound.Message.Text))
            {
                return (null, "A message with cards carries no text on Messenger and Instagram: send the text in its own message.");
            }

            if (MetaCards.Template(cards, out _) is { } template)
            {
                return (new JsonObject { ["attachment"] = template, ["metadata"] = metadata }, null);
            }

            var numbered = CardText.Render(null, cards);
            return numbered.Length > MetaSendRules.MaxText ? (null, null) : (new JsonObject { ["text"] = numbered, ["metadata"] = metadata }, null);
        }

        if (outbound.Payload?.Media is [var media, ..] && media.Url is { } url)
        {
            if (outbound.Inbox.Channel == ChannelKind.Instagram && media.Kind is not (MediaKind.Image or MediaKind.Video or MediaKind.Audio))
            {
                return (null, "Instagram direct messages carry images, video and audio only: share a link to the file in a reply instead.");
            }

            return (new JsonObject
            {
                ["attachment"] = new JsonObject
                {
                    ["type"] = media.Kind switch { MediaKind.Image => "image", MediaKind.Video => "video", MediaKind.Audio => "audio", _ => "file" },
                    ["payload"] = new JsonObject { ["url"] = url, ["is_reusable"] = false },
                },
                ["metadata"] = metadata,
            }, null);
        }

        if (outbound.Payload?.Attachment is not null)
        {
            // A stored file goes by its link (MediaLinks), never as its name alone.
            return (null, MediaLinks.NoPublicUrl);
        }

        var text = OutboundMessage.WithSignature(outbound.Message.Text ?? string.Empty, outbound.Author, outbound.Message.AuthorName);
        var (quickReplies, rendered) = MetaSendRules.Options(text, outbound.Payload?.Options, out _);
        if (rendered.Length > MetaSendRules.MaxText)
        {
            return (null, null);
        }

        var textMessage = new JsonObject { ["text"] = rendered, ["metadata"] = metadata };
        if (quickReplies is not null)
        {
            textMessage["quick_replies"] = new JsonArray(quickReplies
                .Select(o => (JsonNode)new JsonObject { ["content_type"] = "text", ["title"] = o.Title, ["payload"] = o.Id })
                .ToArray());
        }

        return (textMessage, null);
    }
}

public sealed class MessengerConnector(MetaGraphClient graph, MetaPublicApi publicApi, TimeProvider clock, IOptions<MetaOptions> options)
    : MetaMessagingConnector(graph, publicApi, clock, options)
{
    public override ChannelKind Kind => ChannelKind.Messenger;
}

public sealed class InstagramConnector(MetaGraphClient graph, MetaPublicApi publicApi, TimeProvider clock, IOptions<MetaOptions> options)
    : MetaMessagingConnector(graph, publicApi, clock, options)
{
    public override ChannelKind Kind => ChannelKind.Instagram;
}
