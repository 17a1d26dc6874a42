using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Channels.Media;
using Parley.Conversations;

namespace Parley.Channels.X;

/// <summary>
/// Sends to X direct messages: <c>POST {ApiUrl}/2/dm_conversations/with/{user id}/messages</c> with the account's OAuth 2.0
/// user token, one call per message (the dispatcher retries, paces and orders), its text rendered by <see cref="XMessageText"/>.
/// An advisor's file is uploaded first (<see cref="XMediaUpload"/>) and the DM carries it as
/// <c>{"attachments": [{"media_id"}]}</c>; a failed upload fails (or retries) the send with X's reason.
/// A public conversation's message goes as a reply tweet under the tweet it names (<see cref="XPublicApi"/>).
/// </summary>
public sealed class XConnector(
    IHttpClientFactory http, PlatformApi platformApi, IOptions<XOptions> options, XPublicApi publicApi, XMediaUpload uploads, TimeProvider clock)
    : IChannelConnector
{
    public const string HttpClientName = "Parley.Channels.X";

    public ChannelKind Kind => ChannelKind.X;

    // X documents about 200 DM sends per 15 minutes per user token; a connection may be given its own rate.
    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: false, ListPicker: false, Attachments: true, TypingIndicators: false, ReadReceipts: true,
        PullDelivery: false, ReplyWindow: null, OneConversationPerContact: false, SendRatePerSecond: 0.2);

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Connection is not { AccessToken: { Length: > 0 } token } connection)
        {
            return SendResult.Retry("The X connection has no access token: connect the account again.", connectionPaused: true);
        }

        if (message.Payload?.Attachment is { } file)
        {
            return await SendFileAsync(message, connection, token, file, cancellationToken);
        }

        var text = XMessageText.Render(message.Message, message.Payload);
        if (text.Length == 0)
        {
            return SendResult.Fail("This message has neither text nor a file to send on X.");
        }

        if (message.IsPublic)
        {
            return message.Message.ParentChannelMessageId is not { } tweetId
                ? SendResult.Fail("A public reply names the tweet it answers, and this message names none.")
                : PublicReplyRules.TextRefusal(Kind, text) is { } tooLong
                    ? SendResult.Fail(tooLong)
                    : await publicApi.ReplyAsync(connection, tweetId, text, cancellationToken);
        }

        return await DirectMessageAsync(message, connection, token, new JsonObject { ["text"] = text }, cancellationToken);
    }

    /// <summary>
    /// The file (checked again, for one stored before X's rules changed), uploaded, then the DM with its media id only: as on
    /// Messenger, a file message carries no text (its text is the file's name, which the customer sees on the file).
    /// </summary>
    private async Task<SendResult> SendFileAsync(OutboundMessage message, ConnectionCredentials connection, string token, AttachmentInfo file, CancellationToken ct)
    {
        if (message.IsPublic)
        {
            return SendResult.Fail("A public reply on X cannot carry a file: reply in private to send one.");
        }

        if (ChannelFiles.Refusal(Kind, file.ContentType, file.Size) is { } refusal)
        {
            return SendResult.Fail(refusal);
        }

        var upload = await uploads.UploadAsync(connection, token, file, ct);
        if (upload is not { MediaId: { } mediaId })
        {
            return upload.Failure ?? SendResult.Retry("The file's upload to X gave no media id.");
        }

        var body = new JsonObject { ["attachments"] = new JsonArray(new JsonObject { ["media_id"] = mediaId }) };
        return await DirectMessageAsync(message, connection, token, body, ct);
    }

    private async Task<SendResult> DirectMessageAsync(OutboundMessage message, ConnectionCredentials connection, string token, JsonObject body, CancellationToken ct)
    {
        var url = $"{platformApi.BaseUrl(connection, options.Value.ApiUrl)}/2/dm_conversations/with/{Uri.EscapeDataString(message.RecipientId)}/messages";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        return XSendAnswer.Map(response, await response.Content.ReadAsStringAsync(ct), clock.GetUtcNow());
    }

    public OptionsPreview PreviewOptions(string text, IReadOnlyList<Parley.Conversations.MessageOption> options) =>
        new("Numbered list", options.Count == 0 ? [] : ["X direct messages have no pickers: the options go as a numbered list, answered with the number or the name."]);
}
