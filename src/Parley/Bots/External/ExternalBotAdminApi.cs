using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots.External;

public sealed record BotEndpointInput(string Url, string? Secret, bool Enabled = true);

public sealed record BotEndpointView(long AccountId, string Url, bool Enabled, DateTime UpdatedAt);

public sealed record ApiTokenInput(long AccountId, string Name);

public sealed record ApiTokenView(long Id, long AccountId, string Name, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>The token as created: shown once, never again (only its SHA-256 is stored).</summary>
public sealed record ApiTokenCreated(long Id, string Name, string Token);

/// <summary>
/// Connecting an account's external bot: its endpoint and signing secret (channel managers and admins), and the API
/// tokens it answers with (admins only: a token acts on the account's conversations).
/// </summary>
public static class ExternalBotAdminApi
{
    public static IEndpointRouteBuilder MapExternalBotAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/bot-endpoints", ListEndpointsAsync);
        group.MapPut("/bot-endpoints/{accountId:long}", SetEndpointAsync);
        group.MapGet("/api-tokens", ListTokensAsync);
        group.MapPost("/api-tokens", CreateTokenAsync);
        group.MapDelete("/api-tokens/{id:long}", RevokeAsync);
        return app;
    }

    private static async Task<Results<Ok<List<BotEndpointView>>, ProblemHttpResult>> ListEndpointsAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await SessionAsync(http, dbs, ct) is not { CanEditFlows: true } advisor)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return TypedResults.Ok(await db.BotEndpoints.Where(e => advisor.AccountIds.Contains(e.AccountId))
            .Select(e => new BotEndpointView(e.AccountId, e.Url, e.Enabled, e.UpdatedAt)).ToListAsync(ct));
    }

    private static async Task<Results<Ok<BotEndpointView>, ProblemHttpResult>> SetEndpointAsync(
        long accountId, BotEndpointInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, Api.BotSecrets secrets, TimeProvider clock, CancellationToken ct)
    {
        if (await SessionAsync(http, dbs, ct) is not { CanEditFlows: true } advisor || !advisor.CanAccess(accountId))
        {
            return Refused(http);
        }

        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            return TypedResults.Problem("The bot's endpoint is an https:// URL (http:// only on this machine).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (input.Secret is { } given && given.Length is < 16 or > 200)
        {
            return TypedResults.Problem("The signing secret has 16 to 200 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var endpoint = await db.BotEndpoints.FirstOrDefaultAsync(e => e.AccountId == accountId, ct);
        if (endpoint is null && string.IsNullOrEmpty(input.Secret))
        {
            return TypedResults.Problem("A new endpoint needs its signing secret.", statusCode: StatusCodes.Status400BadRequest);
        }

        endpoint ??= db.BotEndpoints.Add(new BotEndpoint { AccountId = accountId, Url = url.ToString(), Secret = string.Empty }).Entity;
        endpoint.Url = url.ToString();
        endpoint.Enabled = input.Enabled;
        endpoint.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        if (!string.IsNullOrEmpty(input.Secret))
        {
            endpoint.Secret = secrets.Protect(input.Secret);
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new BotEndpointView(accountId, endpoint.Url, endpoint.Enabled, endpoint.UpdatedAt));
    }

    private static async Task<Results<Ok<List<ApiTokenView>>, ProblemHttpResult>> ListTokensAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await SessionAsync(http, dbs, ct) is not { Role: AdvisorRole.Admin } admin)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return TypedResults.Ok(await db.ApiTokens.Where(t => admin.AccountIds.Contains(t.AccountId)).OrderBy(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.AccountId, t.Name, t.CreatedAt, t.LastUsedAt, t.RevokedAt)).ToListAsync(ct));
    }

    private static async Task<Results<Created<ApiTokenCreated>, ProblemHttpResult>> CreateTokenAsync(
        ApiTokenInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, TimeProvider clock, CancellationToken ct)
    {
        if (await SessionAsync(http, dbs, ct) is not { Role: AdvisorRole.Admin } admin || !admin.CanAccess(input.AccountId))
        {
            return Refused(http);
        }

        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 100)
        {
            return TypedResults.Problem("A token needs a name of up to 100 characters (what uses it).", statusCode: StatusCodes.Status400BadRequest);
        }

        var token = BotTokenFilter.NewToken();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var stored = db.ApiTokens.Add(new ApiToken
        {
            AccountId = input.AccountId,
            Name = input.Name.Trim(),
            TokenHash = BotTokenFilter.Hash(token),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = admin.Id,
        }).Entity;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/console/api-tokens/{stored.Id}", new ApiTokenCreated(stored.Id, stored.Name, token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, TimeProvider clock, CancellationToken ct)
    {
        if (await SessionAsync(http, dbs, ct) is not { Role: AdvisorRole.Admin } admin)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || !admin.CanAccess(token.AccountId))
        {
            return TypedResults.Problem("No such token in your accounts.", statusCode: StatusCodes.Status404NotFound);
        }

        token.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static Task<AdvisorSession?> SessionAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        ConsoleCaller.SessionAsync(http, dbs, ct);

    private static ProblemHttpResult Refused(HttpContext http) => ConsoleCaller.Refused(http, "Not allowed for your role or account.");
}
