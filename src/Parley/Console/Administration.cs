using Parley.Identity;
using Parley.Routing;

namespace Parley.Console;

/// <summary>Admins manage advisors and queues (the JSON APIs and the console's /console/admin page use the same services).</summary>
public static class Administration
{
    public static WebApplicationBuilder AddAdministration(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AdvisorAdministration>();
        builder.Services.AddSingleton<QueueAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdministration(this IEndpointRouteBuilder app)
    {
        app.MapAdvisorsApi();
        app.MapQueuesApi();
        return app;
    }
}
