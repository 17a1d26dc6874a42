using System.Net.Http.Json;
using System.Text.Json;
using Parley.Channels.WebMessaging;
using Parley.Demo;

namespace Parley.BrowserTests;

/// <summary>A website customer speaking to the widget API over HTTP, when a test needs a conversation, not the widget.</summary>
internal static class WidgetHttp
{
    /// <summary>A guest named <paramref name="name"/> opens a conversation on the demo website and writes <paramref name="text"/>.</summary>
    public static async Task<long> ConversationAsync(ParleyServer server, string name, string text)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var session = await (await http.PostAsJsonAsync("/api/widget/v1/sessions", new SessionRequest(DemoWorkspace.InboxKey, null, null, null, name, null)))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web);
        http.DefaultRequestHeaders.Authorization = new("Bearer", session!.Token);
        var opened = await (await http.PostAsync("/api/widget/v1/conversation", null))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<ConversationResponse>(JsonSerializerOptions.Web);
        (await http.PostAsJsonAsync("/api/widget/v1/messages", new SendRequest(Guid.NewGuid().ToString(), text, null))).EnsureSuccessStatusCode();
        return opened!.ConversationId;
    }
}
