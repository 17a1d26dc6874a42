using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Channels.Media;

/// <summary>
/// <c>GET /media/{attachmentId}?expires={unix}&amp;sig={hex}</c>: a stored file for the platform that delivers it. No
/// sign-in: the link's signature is the permission, checked (one HMAC, no database read) before the file is looked up.
/// </summary>
public static class MediaApi
{
    public static WebApplicationBuilder AddChannelMedia(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublicAddressOptions>().BindConfiguration(PublicAddressOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicUrl) || o.BaseUri is not null,
                "Parley:PublicUrl must be an absolute http(s) address, for example https://care.example.com.")
            .ValidateOnStart();
        builder.Services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section)
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Channels:Media:LinkLifetime must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<MediaLinkKey>();
        builder.Services.AddSingleton<MediaLinks>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChannelMedia(this IEndpointRouteBuilder app)
    {
        app.MapGet(MediaLinks.Path + "/{attachmentId:long}", GetAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(
        long attachmentId, long? expires, string? sig, MediaLinks links, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (expires is not { } until || !await links.IsValidAsync(attachmentId, until, sig, ct))
        {
            return TypedResults.Problem("This file link is not valid or has expired.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var file = await db.Attachments.AsNoTracking().Where(a => a.Id == attachmentId)
            .Select(a => new { a.Data, a.ContentType, a.FileName }).FirstOrDefaultAsync(ct);
        return file is null
            ? TypedResults.Problem("The file no longer exists.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : TypedResults.File(file.Data, file.ContentType, file.FileName);
    }
}
