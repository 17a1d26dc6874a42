using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Contacts.Crm;

/// <summary>
/// <c>GET</c>/<c>PUT</c>/<c>DELETE /api/console/accounts/{id}/crm</c>: an account's CRM lookup, for its admins (the secret is
/// write-only); <c>GET /api/console/contacts/{id}/crm</c>: a contact's CRM record, for anyone who may see the contact.
/// </summary>
public static class CrmApi
{
    public static IEndpointRouteBuilder MapCrmApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        console.MapGet("/accounts/{id:long}/crm", GetAsync);
        console.MapPut("/accounts/{id:long}/crm", PutAsync);
        console.MapDelete("/accounts/{id:long}/crm", DeleteAsync);
        console.MapGet("/contacts/{id:long}/crm", LookupAsync);
        return app;
    }

    private static async Task<Results<Ok<CrmRecord>, ProblemHttpResult>> LookupAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CrmLookup crm, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await crm.LookupAsync(advisor, id, ct) is { } record
            ? TypedResults.Ok(record)
            : TypedResults.Problem("No such contact in your accounts.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }

    private static async Task<Results<Ok<CrmSettingsView>, ProblemHttpResult>> GetAsync(long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        var (account, refusal) = await AdminAccountAsync(http, dbs, id, ct);
        return account is null ? refusal! : TypedResults.Ok(View(account));
    }

    private static async Task<Results<Ok<CrmSettingsView>, ProblemHttpResult>> PutAsync(
        long id, CrmInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConnectionSecrets secrets, CancellationToken ct)
    {
        var (account, refusal) = await AdminAccountAsync(http, dbs, id, ct);
        if (account is null)
        {
            return refusal!;
        }

        var stored = CrmSettings.Parse(account.CrmJson);
        var problem = CrmSettings.UrlProblem(input.Url)
            ?? (input.TimeoutMs is < CrmSettings.MinTimeoutMs or > CrmSettings.MaxTimeoutMs
                ? $"timeoutMs is between {CrmSettings.MinTimeoutMs} and {CrmSettings.MaxTimeoutMs}." : null)
            ?? (input.CacheSeconds is < 0 or > CrmSettings.MaxCacheSeconds ? $"cacheSeconds is between 0 and {CrmSettings.MaxCacheSeconds}." : null)
            ?? (input.Secret is { Length: > 500 } ? "The secret has at most 500 characters." : null)
            ?? (input.Secret is null && stored?.ProtectedSecret is null ? "A secret is required: the CRM checks Parley's signature with it." : null);
        if (problem is not null)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid CRM lookup");
        }

        var settings = new CrmSettings
        {
            Url = input.Url!.Trim(),
            ProtectedSecret = input.Secret is { Length: > 0 } secret ? secrets.Protect(secret) : stored?.ProtectedSecret,
            TimeoutMs = input.TimeoutMs ?? stored?.TimeoutMs ?? 2_000,
            CacheSeconds = input.CacheSeconds ?? stored?.CacheSeconds ?? 300,
        };
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.CrmJson, settings.ToJson()), ct);
        account.CrmJson = settings.ToJson();
        return TypedResults.Ok(View(account));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        var (account, refusal) = await AdminAccountAsync(http, dbs, id, ct);
        if (account is null)
        {
            return refusal!;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.Accounts.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.CrmJson, (string?)null), ct);
        return TypedResults.NoContent();
    }

    private static CrmSettingsView View(Accounts.Account account) =>
        CrmSettings.Parse(account.CrmJson) is { } s
            ? new CrmSettingsView(account.Id, s.Url, s.ProtectedSecret is not null, s.TimeoutMs, s.CacheSeconds)
            : new CrmSettingsView(account.Id, null, false, 2_000, 300);

    /// <summary>The account, when the caller is an admin of it; else the refusal (401, 403, or 404 for another account's).</summary>
    private static async Task<(Accounts.Account? Account, ProblemHttpResult? Refusal)> AdminAccountAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, long id, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return (null, ConsoleCaller.NotSignedIn());
        }

        if (!advisor.CanAccess(id))
        {
            return (null, TypedResults.Problem("No such account among yours.", statusCode: StatusCodes.Status404NotFound, title: "Not found"));
        }

        if (advisor.Role != AdvisorRole.Admin)
        {
            return (null, ConsoleCaller.Forbidden("Only admins set an account's CRM lookup."));
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == id, ct), null);
    }
}
