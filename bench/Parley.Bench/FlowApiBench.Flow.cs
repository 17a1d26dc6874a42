using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Bench;

internal static partial class FlowApiBench
{
    private const string SetLookup = """
        - { id: lookup, type: set, set: { status: shipped }, next: said }
        """;

    /// <summary>
    /// Every message (a choice or any text) is answered after the lookup, then the question comes again: each customer
    /// message of the closed and open loops gets a reply that waited for the lookup.
    /// </summary>
    private static string Flow(string lookup) => $$$"""
        name: Bench
        start: topic
        variables: [status]
        steps:
        - id: topic
          type: ask
          text: What is your question about?
          options:
          - { id: parcels, title: Parcels, next: lookup }
          - { id: bank, title: Bank, next: lookup }
          - { id: mobile, title: Mobile, next: lookup }
          next: lookup
        {{{lookup}}}
        - { id: said, type: message, text: "Status: {{ vars.status }}", next: topic }
        """;

    private static string ApiLookup(Uri api) => $$$"""
        - id: lookup
          type: api
          api: { url: "{{{api}}}orders/42", extract: { status: status }, timeout_seconds: 5, retries: 0 }
          on_success: said
          on_failure: sorry
        - { id: sorry, type: message, text: The service did not answer., next: topic }
        """;

    /// <summary>A business API that answers every lookup after a fixed delay.</summary>
    private sealed class SlowApi : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SlowApi(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<SlowApi> StartAsync(TimeSpan latency)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            app.MapGet("/orders/{id}", async (string id) =>
            {
                await Task.Delay(latency);
                return Results.Json(new { id, status = "shipped" });
            });
            await app.StartAsync();
            var address = app.Urls.First();
            return new SlowApi(app, new Uri(address.TrimEnd('/') + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
