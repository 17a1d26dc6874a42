using Parley.Bots.Api;

namespace Parley.Bots;

public static class BotsExtensions
{
    /// <summary>The bots' services: flow templates and the business API step.</summary>
    public static WebApplicationBuilder AddBots(this WebApplicationBuilder builder)
    {
        builder.Services.AddBotApi();
        return builder;
    }
}
