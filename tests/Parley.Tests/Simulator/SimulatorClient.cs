using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Channels;
using Parley.Demo;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Simulator;

/// <summary>The /simulator page's calls, as a test makes them, and the demo connections the simulator plays.</summary>
public sealed class SimulatorClient(HttpClient http)
{
    public HttpClient Http => http;

    public static async Task<ConnectionCredentials> ConnectionAsync(ParleyApplication app, ChannelKind kind) =>
        (await app.Service<ConnectionDirectory>().FindAsync(kind, DemoWorkspace.SocialAccounts.Single(a => a.Kind == kind).ExternalId, CancellationToken.None))!;

    public async Task<string> NewCustomerAsync(string network, string name = "Giulia Rossi", string? id = null)
    {
        var response = await http.PostAsJsonAsync("/simulator/api/customers", new { network, name, id });
        await Expect.StatusAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The customer types and sends a message; returns what Parley's webhook endpoint answered (null: unreachable).</summary>
    public async Task<JsonElement> SendAsync(string network, string id, string text)
    {
        var response = await http.PostAsJsonAsync($"/simulator/api/customers/{network}/{id}/messages", new { text });
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> ChooseAsync(string network, string id, string messageId, string choiceId)
    {
        var response = await http.PostAsJsonAsync($"/simulator/api/customers/{network}/{id}/choices", new { messageId, choiceId });
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The chat as the page polls it (which also counts as the customer looking at it).</summary>
    public async Task<JsonElement> ChatAsync(string network, string id)
    {
        var response = await http.GetAsync($"/simulator/api/customers/{network}/{id}");
        await Expect.StatusAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<List<JsonElement>> BrandMessagesAsync(string network, string id) =>
        (await ChatAsync(network, id)).GetProperty("messages").EnumerateArray().Where(m => !m.GetProperty("fromCustomer").GetBoolean()).ToList();

    public async Task<List<JsonElement>> InspectorAsync() =>
        (await http.GetFromJsonAsync<List<JsonElement>>("/simulator/api/inspector"))!;
}
