using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Channels.WebMessaging;
using Parley.Demo;

namespace Parley.Tests.Infrastructure;

/// <summary>The widget's side of the HTTP API, as widget.js calls it.</summary>
public sealed class WidgetClient(HttpClient http) : IDisposable
{
    public const string Base = "/api/widget/v1";

    public HttpClient Http { get; } = http;

    public SessionResponse? Session { get; private set; }

    /// <summary>A guest of the demo website with its conversation open (greeted by whatever bot the inbox runs).</summary>
    public static async Task<WidgetClient> OpenedAsync(ParleyApplication app)
    {
        var customer = app.Widget();
        await customer.StartGuestAsync();
        await customer.OpenAsync();
        return customer;
    }

    public async Task<SessionResponse> StartGuestAsync() =>
        await StartAsync(new SessionRequest(DemoWorkspace.InboxKey, null, null, null, null, null));

    public Task<SessionResponse> StartAsync(SessionRequest request) => UseSessionAsync(Http.PostAsJsonAsync($"{Base}/sessions", request));

    /// <summary>A returning customer: new tokens for a refresh token kept from an earlier session, as the widget does.</summary>
    public Task<SessionResponse> ResumeAsync(string refreshToken) =>
        UseSessionAsync(Http.PostAsJsonAsync($"{Base}/sessions/refresh", new RefreshRequest(refreshToken)));

    private async Task<SessionResponse> UseSessionAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        Session = (await response.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web))!;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Session.Token);
        return Session;
    }

    public async Task<ConversationResponse> OpenAsync()
    {
        var response = await Http.PostAsync($"{Base}/conversation", null);
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ConversationResponse>(JsonSerializerOptions.Web))!;
    }

    public Task<HttpResponseMessage> PostMessageAsync(string? text, string? replyTo = null, string? clientMessageId = null) =>
        Http.PostAsJsonAsync($"{Base}/messages", new SendRequest(clientMessageId ?? Guid.NewGuid().ToString(), text, replyTo));

    public async Task<SendResponse> SendAsync(string text, string? replyTo = null, string? clientMessageId = null)
    {
        var response = await PostMessageAsync(text, replyTo, clientMessageId);
        await Expect.StatusAsync(response, HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<SendResponse>(JsonSerializerOptions.Web))!;
    }

    public async Task<MessagesResponse> MessagesAsync(long after = 0, int waitSeconds = 0)
    {
        var response = await Http.GetAsync($"{Base}/messages?after={after}&waitSeconds={waitSeconds}");
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<MessagesResponse>(JsonSerializerOptions.Web))!;
    }

    /// <summary>Polls the whole history until <paramref name="done"/> holds, as a widget catching up would.</summary>
    public async Task<MessagesResponse> WaitForAsync(Func<MessagesResponse, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = await MessagesAsync();
            if (done(messages))
            {
                return messages;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}. Last status {messages.Status}, messages: "
                    + string.Join(" | ", messages.Messages.Select(m => $"{m.Seq} {m.AuthorKind}: {m.Text}")));
            }

            await Task.Delay(50);
        }
    }

    public void Dispose() => Http.Dispose();
}
