using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Parley.Channels.X;

/// <summary>
/// Sends to X direct messages: <c>POST {ApiUrl}/2/dm_conversations/with/{user id}/messages</c> with the account's OAuth 2.0
/// user token, one call per message (the dispatcher retries, paces and orders). Text only: see <see cref="XMessageText"/>.
/// A public conversation's message goes as a reply tweet under the tweet it names (<see cref="XPublicApi"/>).
/// </summary>
public sealed class XConnector(IHttpClientFactory http, PlatformApi platformApi, IOptions<XOptions> options, XPublicApi publicApi, TimeProvider clock)
    : IChannelConnector
{
    public const string HttpClientName = "Parley.Channels.X";

    public ChannelKind Kind => ChannelKind.X;

    // X documents about 200 DM sends per 15 minutes per user token; a connection may be given its own rate.
    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: false, ListPicker: false, Attachments: false, TypingIndicators: false, ReadReceipts: true,
        PullDelivery: false, ReplyWindow: null, OneConversationPerContact: false, SendRatePerSecond: 0.2);

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Connection is not { AccessToken: { Length: > 0 } token } connection)
        {
            return SendResult.Retry("The X connection has no access token: connect the account again.", connectionPaused: true);
        }

        if (message.Payload?.Attachment is not null)
        {
            return SendResult.Fail(Media.ChannelFiles.XNotYet);
        }

        var text = XMessageText.Render(message.Message, message.Payload);
        if (text.Length == 0)
        {
            return SendResult.Fail("X direct messages carry text only, and this message has none.");
        }

        if (message.IsPublic)
        {
            return message.Message.ParentChannelMessageId is not { } tweetId
                ? SendResult.Fail("A public reply names the tweet it answers, and this message names none.")
                : PublicReplyRules.TextRefusal(Kind, text) is { } tooLong
                    ? SendResult.Fail(tooLong)
                    : await publicApi.ReplyAsync(connection, tweetId, text, cancellationToken);
        }

        var url = $"{platformApi.BaseUrl(connection, options.Value.ApiUrl)}/2/dm_conversations/with/{Uri.EscapeDataString(message.RecipientId)}/messages";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { text }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return XSendAnswer.Map(response.StatusCode, body, Header(response, "x-rate-limit-reset"), Header(response, "Retry-After"), clock.GetUtcNow());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public OptionsPreview PreviewOptions(string text, IReadOnlyList<Parley.Conversations.MessageOption> options) =>
        new("Numbered list", options.Count == 0 ? [] : ["X direct messages have no pickers: the options go as a numbered list, answered with the number or the name."]);
}
