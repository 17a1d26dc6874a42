using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Bench;

/// <summary>One simulated website visitor speaking the widget API (docs/WIDGET_API.md) as widget.js does.</summary>
internal sealed class WidgetCustomer
{
    public const string InboxKey = "demo-website";

    /// <summary>Topic ids and titles of the demo inbox's list picker: a pick hands the conversation to a queue.</summary>
    public static readonly (string Id, string Title)[] Topics = [("parcels", "Parcels"), ("bank", "Bank"), ("mobile", "Mobile")];

    /// <summary>Text the bot cannot map to a topic nor to "a human": it answers by asking the topic again.</summary>
    public const string UnclearText = "Hello, I have a question about my order from last week";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly Uri _messages;
    private readonly AuthenticationHeaderValue _auth;
    private long _sent;

    private WidgetCustomer(HttpClient http, Uri messages, string token, long conversationId, long lastSeq)
    {
        _http = http;
        _messages = messages;
        _auth = new AuthenticationHeaderValue("Bearer", token);
        ConversationId = conversationId;
        LastSeq = lastSeq;
    }

    public long ConversationId { get; }

    /// <summary>The highest seq this customer has seen or sent.</summary>
    public long LastSeq { get; private set; }

    /// <summary>The status of the last POST /messages answer (to tell a refusal's cause).</summary>
    public HttpStatusCode? LastStatus { get; private set; }

    /// <summary>Starts a guest session and opens its conversation (the bot greets and shows the topic picker).</summary>
    public static async Task<WidgetCustomer> StartAsync(HttpClient http, Uri baseAddress, CancellationToken ct)
    {
        using var session = await http.PostAsJsonAsync(new Uri(baseAddress, "/api/widget/v1/sessions"), new { inbox = InboxKey }, ct);
        session.EnsureSuccessStatusCode();
        var token = (await session.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web, ct))!.Token;

        using var open = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/api/widget/v1/conversation"));
        open.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var opened = await http.SendAsync(open, ct);
        opened.EnsureSuccessStatusCode();
        var conversation = (await opened.Content.ReadFromJsonAsync<ConversationResponse>(JsonSerializerOptions.Web, ct))!;
        return new WidgetCustomer(http, new Uri(baseAddress, "/api/widget/v1/messages"), token, conversation.ConversationId, conversation.LastSeq);
    }

    /// <summary>A customer whose messages go to the no-op baseline endpoint, through the very same client code.</summary>
    public static WidgetCustomer ForBaseline(HttpClient http, Uri endpoint, long id) => new(http, endpoint, "baseline", id, 0);

    /// <summary>POST /messages; returns the stored seq, or null when the answer was not 2xx.</summary>
    public async Task<long?> SendAsync(string text, string? replyTo, CancellationToken ct)
    {
        var body = new SendRequest($"{ConversationId}-{Interlocked.Increment(ref _sent)}", text, replyTo);
        using var request = new HttpRequestMessage(HttpMethod.Post, _messages)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web)) { Headers = { ContentType = Json } },
        };
        request.Headers.Authorization = _auth;
        using var response = await _http.SendAsync(request, ct);
        LastStatus = response.StatusCode;
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var sent = (await response.Content.ReadFromJsonAsync<SendResponse>(JsonSerializerOptions.Web, ct))!;
        LastSeq = Math.Max(LastSeq, sent.Seq);
        return sent.Seq;
    }

    /// <summary>Long-polls GET /messages until a bot (or system) message after <paramref name="after"/> is there.</summary>
    public async Task<bool> WaitForBotReplyAsync(long after, CancellationToken ct)
    {
        var seen = after;
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_messages, $"?after={seen}&waitSeconds=25"));
            request.Headers.Authorization = _auth;
            using var response = await _http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var page = (await response.Content.ReadFromJsonAsync<MessagesResponse>(JsonSerializerOptions.Web, ct))!;
            foreach (var message in page.Messages)
            {
                seen = Math.Max(seen, message.Seq);
            }

            LastSeq = Math.Max(LastSeq, seen);
            if (page.Messages.Any(m => m.AuthorKind is "bot" or "system"))
            {
                return true;
            }
        }

        return false;
    }

    public sealed record SendRequest(string ClientMessageId, string? Text, string? ReplyTo);

    public sealed record SendResponse(long Id, long Seq, bool Duplicate);

    /// <summary>Only the token: a guest has no contact yet (contactId is null), and older servers answer other fields.</summary>
    private sealed record SessionResponse(string Token);

    private sealed record ConversationResponse(long ConversationId, string Status, long LastSeq);

    private sealed record MessagesResponse(string Status, List<MessageItem> Messages);

    private sealed record MessageItem(long Seq, string AuthorKind);
}
