using System.Reflection;
using Microsoft.Extensions.Options;
using Parley.Demo;

namespace Parley.Simulator;

public static class SimulatorExtensions
{
    /// <summary>The demo's simulator of Messenger, Instagram, WhatsApp and X (it answers only when Demo:Enabled).</summary>
    public static WebApplicationBuilder AddSimulator(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section);
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<SimulatorState>();
        services.AddSingleton<SimulatorConnections>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<MessengerSends>();
        services.AddSingleton<GraphSends>();
        services.AddSingleton<WhatsAppSends>();
        services.AddSingleton<SimulatedReceipts>();
        services.AddSingleton<SimulatedXMedia>();
        services.AddSingleton<SimulatedPosts>();
        services.AddSingleton<PrivateReplies>();
        services.AddHostedService(sp => sp.GetRequiredService<SimulatedReceipts>());
        return builder;
    }

    /// <summary>/simulator (the page), its JSON API, and the simulated Graph and X APIs; 404 when the demo is off.</summary>
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app)
    {
        var simulator = app.MapGroup("/simulator").AddEndpointFilter(DemoOnlyAsync).ExcludeFromDescription();
        simulator.MapGet(string.Empty, () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        simulator.MapGet("/avatars/{network}/{file}", GraphApi.Avatar);
        simulator.MapSimulatorPageApi();
        simulator.MapGraphApi();
        simulator.MapXApi();
        simulator.MapXMediaApi();
        simulator.MapPostsPageApi();
        simulator.MapGraphPublicApi();
        simulator.MapXPublicApi();
        return app;
    }

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Parley.Simulator.simulator.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static async ValueTask<object?> DemoOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled
            ? await next(context)
            : TypedResults.Problem("The simulator belongs to the demo workspace, which is disabled (Demo:Enabled).", statusCode: StatusCodes.Status404NotFound);
}
