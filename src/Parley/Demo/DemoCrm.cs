using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Channels;
using Parley.Contacts.Crm;
using Parley.Data;

namespace Parley.Demo;

/// <summary>
/// POST /demo/crm/lookup: the demo brand's CRM, a stand-in for the HTTPS lookup an account configures
/// (<see cref="CrmLookup"/>). It checks Parley's signature with the demo account's secret, then answers from a made-up
/// customer file that depends only on the contact: the CRM panel of the demo console shows it. Served only when
/// Demo:Enabled.
/// </summary>
public static class DemoCrm
{
    public const string Path = "/demo/crm/lookup";
    private static readonly string[] Segments = ["Retail", "Retail premium", "Small business"];
    private static readonly string[] Products = ["Conto Più savings account", "PostaMobile 100 GB", "Parcel lockers subscription", "Prepaid card"];

    public static IEndpointRouteBuilder MapDemoCrm(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, LookupAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> LookupAsync(
        HttpRequest request, IOptions<DemoOptions> options, IDbContextFactory<ParleyDb> dbs, ConnectionSecrets secrets, TimeProvider clock, CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return TypedResults.Problem("The demo workspace is disabled (Demo:Enabled).", statusCode: StatusCodes.Status404NotFound);
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var stored = await db.Accounts.Where(a => a.Name == DemoWorkspace.AccountName).Select(a => a.CrmJson).FirstOrDefaultAsync(ct);
        var secret = secrets.Unprotect(CrmSettings.Parse(stored)?.ProtectedSecret);
        if (secret is null || !Signed(request.Headers[CrmLookup.SignatureHeader].ToString(), secret, body, clock.GetUtcNow()))
        {
            return TypedResults.Problem("Bad or missing signature.", statusCode: StatusCodes.Status401Unauthorized);
        }

        using var json = JsonDocument.Parse(body);
        var contact = json.RootElement.GetProperty("contact");
        var id = contact.GetProperty("id").GetInt64();
        var name = contact.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var pick = (int)(id % 97);
        return TypedResults.Ok(new
        {
            title = $"{name ?? "Customer"} · customer file LP-{100_000 + id}",
            recordUrl = $"https://crm.laposta.example/customers/LP-{100_000 + id}",
            fields = new[]
            {
                new { label = "Customer since", value = (2008 + pick % 17).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new { label = "Segment", value = Segments[pick % Segments.Length] },
                new { label = "Products", value = string.Join(", ", Products.Where((_, i) => (pick >> i & 1) == 1).DefaultIfEmpty(Products[0])) },
                new { label = "Parcels this year", value = (3 + pick % 40).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
    }

    /// <summary>The signature is Parley's for this body, made within the last five minutes; compared in constant time.</summary>
    private static bool Signed(string header, string secret, string body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var seconds) || !parts.ContainsKey("v1")
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(CrmLookup.Sign(secret, DateTimeOffset.FromUnixTimeSeconds(seconds), body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header));
    }
}
