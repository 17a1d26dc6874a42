using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.JSInterop;

namespace Parley.Console.Admin;

/// <summary>What an admin page call answered: the value, or the ProblemDetails' explanation.</summary>
public sealed record ApiAnswer<T>(T? Value, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The admin page acts through the console's JSON API (/api/console/...), called from the browser with the signed-in
/// advisor's own cookie: every rule and every scope check is the API's, stated once, and the page only shows them.
/// </summary>
public sealed class AdminApiClient(IJSRuntime js) : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private IJSObjectReference? _module;

    public Task<ApiAnswer<T>> GetAsync<T>(string url) => SendAsync<T>("GET", url, null);

    public Task<ApiAnswer<T>> SendAsync<T>(string method, string url, object? body) => CallAsync<T>(method, url, body);

    /// <summary>A call whose answer has no body worth reading (204, or one the page reloads after).</summary>
    public async Task<string?> SendAsync(string method, string url, object? body = null) =>
        (await CallAsync<JsonElement>(method, url, body)).Problem;

    private async Task<ApiAnswer<T>> CallAsync<T>(string method, string url, object? body)
    {
        _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./Console/Pages/AdminPage.razor.js");
        var answer = await _module.InvokeAsync<Reply>("call", method, url, body is null ? null : JsonSerializer.Serialize(body, Json));
        if (answer.Status is >= 200 and < 300)
        {
            return new(string.IsNullOrEmpty(answer.Body) ? default : JsonSerializer.Deserialize<T>(answer.Body, Json), null);
        }

        return new(default, ProblemOf(answer));
    }

    private static string ProblemOf(Reply answer)
    {
        try
        {
            using var problem = JsonDocument.Parse(answer.Body);
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text
                ? text
                : $"Refused ({answer.Status}).";
        }
        catch (JsonException)
        {
            return $"Refused ({answer.Status}).";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
        }
    }

    private sealed record Reply(int Status, string Body);
}
