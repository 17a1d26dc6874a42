using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

public static class ConsoleExtensions
{
    public static WebApplicationBuilder AddParleyConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton<ConsoleQueries>();
        builder.Services.AddSingleton<ConsoleRows>();
        builder.Services.AddSingleton<ConversationTags>();
        builder.Services.AddSingleton<SavedViews>();
        builder.Services.AddSingleton<AdvisorUploads>();
        return builder;
    }

    public static WebApplication MapParleyConsole(this WebApplication app)
    {
        // Blazor would add its own frame-ancestors 'self'; SecurityHeaders sets the console's framing rules, stricter ('none').
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.MapGet("/console/attachments/{id:long}", GetAttachmentAsync).RequireAuthorization().ExcludeFromDescription();
        app.MapViewsApi();
        return app;
    }

    /// <summary>A file of a conversation, for an advisor of the conversation's account.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAttachmentAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConsoleQueries queries, CancellationToken ct)
    {
        var notFound = TypedResults.Problem("No such attachment in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        if (http.User.AdvisorId() is not { } advisorId)
        {
            return notFound;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = (await db.AdvisorAccounts.AsNoTracking().Where(a => a.AdvisorId == advisorId).Select(a => a.AccountId).ToListAsync(ct)).ToHashSet();
        var attachment = await queries.AttachmentAsync(accounts, id, ct);
        return attachment is null ? notFound : TypedResults.File(attachment.Data, attachment.ContentType, attachment.FileName);
    }
}
