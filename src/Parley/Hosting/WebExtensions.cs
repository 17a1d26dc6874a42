using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Parley.Channels.WebMessaging;
using Parley.Data;
using Parley.Demo;

namespace Parley.Hosting;

public static class WebExtensions
{
    /// <summary>Bodies of API calls are small; only endpoints marked <see cref="LargeBody"/> take more.</summary>
    public const long DefaultApiBodyLimit = 64 * 1024;

    public static WebApplicationBuilder AddParleyWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<ClientErrors>();
        services.AddOpenApi();
        // The widget runs on the brand's own site: its API answers any origin, as it is authorised by a
        // bearer token, never by cookies.
        services.AddCors(o => o.AddPolicy(Channels.WebMessaging.WidgetApi.CorsPolicy, p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
        // A parameter that does not bind throws, so that ClientErrors answers with the reason instead of a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = AttachmentRules.MaxBytes + (1024 * 1024);
            RequestLimits.RaiseKestrelLimits(k.Limits);
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.AddParleyRateLimits();
        builder.AddParleyProxies();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddHostedService<DemoWorkspace>();
        return builder;
    }

    private const string WidgetPath = "/api/widget";
    private const string WebhooksPath = "/webhooks";

    // The keys ASP.NET Core's UseAuthentication and UseAuthorization leave on the builder they were called on.
    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSet = "__AuthorizationMiddlewareSet";

    public static WebApplication UseParleyWeb(this WebApplication app)
    {
        app.UseParleyProxies();
        // First, so that every response the app writes carries them, errors included.
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(ClientErrors.WriteStatusPageAsync);
        app.UseRequestLimits();
        app.UseRouting();
        app.UseCors();
        app.UseRateLimiter();
        app.Use(LimitBodySize);
        // The widget API authenticates with its own bearer tokens (WidgetAuthFilter) and platforms' webhooks with their
        // signatures; neither takes cookies or forms that need antiforgery. The console's cookie sign-in, authorization and
        // antiforgery run for everything else.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments(WidgetPath, StringComparison.OrdinalIgnoreCase)
            && !context.Request.Path.StartsWithSegments(WebhooksPath, StringComparison.OrdinalIgnoreCase), console =>
        {
            console.UseAuthentication();
            console.UseAuthorization();
            console.UseAntiforgery();
        });

        // The branch's builder is a copy: without these marks on the app itself, WebApplication would add authentication and
        // authorization again in front of everything, webhooks and widget included (and the console would run them twice).
        IApplicationBuilder pipeline = app;
        pipeline.Properties[AuthenticationMiddlewareSet] = true;
        pipeline.Properties[AuthorizationMiddlewareSet] = true;
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        return app;
    }

    private static Task LimitBodySize(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = context.GetEndpoint()?.Metadata.GetMetadata<LargeBody>()?.MaxBytes ?? DefaultApiBodyLimit;
        }

        return next(context);
    }

    private sealed class DatabaseHealthCheck(IDbContextFactory<ParleyDb> dbs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await dbs.CreateDbContextAsync(cancellationToken);
                return await db.Database.CanConnectAsync(cancellationToken)
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("The database cannot be reached.");
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.", e);
            }
        }
    }
}
