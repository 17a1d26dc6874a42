using Parley.Console.Notes;
using Parley.Console.Replies;
using Parley.Identity;

namespace Parley.Console;

/// <summary>The advisor's tools for working faster: teams, favourite replies, internal notes with mentions, snooze.</summary>
public static class WorkingFaster
{
    public static WebApplicationBuilder AddWorkingFaster(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FavouriteReplies>();
        builder.Services.AddSingleton<ConversationNotes>();
        builder.Services.AddSingleton<ConversationSnoozing>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWorkingFaster(this IEndpointRouteBuilder app)
    {
        app.MapTeamsApi();
        app.MapFavouriteRepliesApi();
        app.MapNotesApi();
        app.MapSnoozeApi();
        return app;
    }
}
