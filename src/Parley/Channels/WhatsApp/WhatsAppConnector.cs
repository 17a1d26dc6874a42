namespace Parley.Channels.WhatsApp;

/// <summary>
/// Sends to WhatsApp through the Cloud API: text, reply buttons or lists (numbered text when they do not fit), media and
/// templates. Inside the 24-hour window anything goes; outside it only a template, and the rest fails before any call.
/// </summary>
public sealed class WhatsAppConnector(WhatsAppClient client, TimeProvider clock, ILogger<WhatsAppConnector> logger) : IChannelConnector
{
    /// <summary>The Cloud API's default throughput per business phone number, in messages per second.</summary>
    public const double DefaultRatePerSecond = 80;

    public ChannelKind Kind => ChannelKind.WhatsApp;

    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: true,
        ListPicker: true,
        Attachments: true,
        TypingIndicators: false,
        ReadReceipts: true,
        PullDelivery: false,
        ReplyWindow: WhatsAppWindow.Length,
        SendRatePerSecond: DefaultRatePerSecond);

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Connection is not { } connection)
        {
            return SendResult.Fail("This inbox has no WhatsApp connection to send with.");
        }

        if (message.Payload?.Template is null && WhatsAppWindow.Refusal(message.LastCustomerMessageAt, clock.GetUtcNow().UtcDateTime) is { } outside)
        {
            return SendResult.Fail(outside);
        }

        var composed = WhatsAppMessages.Compose(message);
        if (composed.Body is null)
        {
            return SendResult.Fail(composed.Problem ?? "The message cannot be sent to WhatsApp.");
        }

        foreach (var warning in composed.Warnings)
        {
            logger.LogInformation("Message {MessageId} adapted to WhatsApp: {Warning}", message.Message.Id, warning);
        }

        return await client.SendAsync(connection, composed.Body, cancellationToken);
    }

    public OptionsPreview PreviewOptions(string text, IReadOnlyList<Parley.Conversations.MessageOption> options)
    {
        var rendered = WhatsAppRendering.Options(text, options);
        var layout = rendered.Layout switch
        {
            OptionsLayout.Buttons => $"Reply buttons ({options.Count})",
            OptionsLayout.List => $"Interactive list ({options.Count} rows)",
            _ => "Numbered list",
        };
        return new OptionsPreview(layout, rendered.Warnings);
    }

    /// <summary>The advisor has seen the messages: WhatsApp shows the customer's latest one as read (blue ticks).</summary>
    public async Task SignalAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        if (signal is { Kind: SignalKind.Seen, LastCustomerMessageId: { } wamid })
        {
            await client.MarkReadAsync(signal.Connection, wamid, cancellationToken);
        }
    }
}
