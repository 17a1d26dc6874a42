using System.Net;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Channels.WebMessaging;
using Parley.Data;

namespace Parley.Demo;

public static class DemoPage
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Parley.Demo.demo.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>/demo: a brand's page with the widget; /demo?user=alice signs in the demo customer Alice (the site signs her id).</summary>
    public static IEndpointRouteBuilder MapDemoPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/demo", async (string? user, IOptions<DemoOptions> options, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        {
            if (!options.Value.Enabled)
            {
                return Results.Problem("The demo workspace is disabled (Demo:Enabled).", statusCode: StatusCodes.Status404NotFound);
            }

            await using var db = await dbs.CreateDbContextAsync(ct);
            var widget = await db.WebWidgets.AsNoTracking().FirstAsync(w => w.PublicKey == DemoWorkspace.InboxKey, ct);
            var attributes = string.Empty;
            if (user is { Length: > 0 and <= 40 } && user.All(char.IsAsciiLetterOrDigit))
            {
                var name = char.ToUpperInvariant(user[0]) + user[1..];
                attributes = $"data-user-id=\"{WebUtility.HtmlEncode(user)}\" data-user-hash=\"{IdentityVerification.Sign(widget.IdentitySecret, user)}\" "
                    + $"data-user-name=\"{WebUtility.HtmlEncode(name)}\" data-user-profile-hash=\"{IdentityVerification.SignProfile(widget.IdentitySecret, user, name, null)}\"";
            }

            var html = Template.Value.Replace("{{INBOX}}", WebUtility.HtmlEncode(widget.PublicKey), StringComparison.Ordinal)
                .Replace("{{USER_ATTRS}}", attributes, StringComparison.Ordinal);
            return Results.Content(html, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }
}
