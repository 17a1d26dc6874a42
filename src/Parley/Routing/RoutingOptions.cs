using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Routing;

public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>An advisor away or offline longer than this has their open conversations put back in the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a node looks for advisors away too long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much waiting one level of priority is worth (see <see cref="PlanningRules.PriorityStep"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PriorityStep { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Queued conversations planned per routing pass: the snapshot (advisors, loads, rules) costs about the same for 500 or
    /// 1,000, so a larger pass spreads it over more assignments; the planner's time grows with it (docs/PERFORMANCE.md).
    /// </summary>
    [Range(1, 10_000)]
    public int PassSize { get; set; } = 1000;
}

public static class RoutingExtensions
{
    /// <summary>The router, the presence sweep and their options.</summary>
    public static IServiceCollection AddParleyRouting(this IServiceCollection services)
    {
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Router>();
        services.AddHostedService(sp => sp.GetRequiredService<Router>());
        services.AddSingleton<PresenceSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<PresenceSweep>());
        return services;
    }
}
