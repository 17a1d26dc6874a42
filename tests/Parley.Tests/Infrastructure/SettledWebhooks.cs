using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Channels.Webhooks;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Webhooks are answered once journaled and processed in the background. Tests that read what a webhook stored right
/// after posting it get the answer only once this node processed everything it took in: the response is held back (not
/// started) until <see cref="WebhookWork.IdleAsync"/>. Tests of the background itself turn this off.
/// </summary>
internal sealed class SettledWebhooks : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments("/webhooks"))
            {
                await nextMiddleware(context);
                return;
            }

            var original = context.Response.Body;
            using var held = new MemoryStream();
            context.Response.Body = held;
            try
            {
                await nextMiddleware(context);
                if (context.Response.StatusCode < 300)
                {
                    await context.RequestServices.GetRequiredService<WebhookWork>().IdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
            }
            finally
            {
                context.Response.Body = original;
            }

            held.Position = 0;
            await held.CopyToAsync(original);
        });
        next(app);
    };
}
