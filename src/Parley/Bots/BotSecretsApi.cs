using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Bots.Api;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

public sealed record BotSecretInput(string Value);

public sealed record BotSecretView(long AccountId, string Name, DateTime UpdatedAt);

/// <summary>
/// /api/console/bot-secrets: the values API steps name in their headers (<c>{{ secrets.NAME }}</c>), set by channel
/// managers and admins of the account. Values go in, never out; they are stored protected.
/// </summary>
public static partial class BotSecretsApi
{
    public const int MaxValueLength = 4000;

    public static IEndpointRouteBuilder MapBotSecretsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/bot-secrets").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/", ListAsync);
        group.MapPut("/{accountId:long}/{name}", SetAsync);
        group.MapDelete("/{accountId:long}/{name}", DeleteAsync);
        return app;
    }

    private static async Task<Results<Ok<List<BotSecretView>>, ProblemHttpResult>> ListAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await EditorAsync(http, dbs, null, ct) is not { } advisor)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return TypedResults.Ok(await db.BotSecrets.Where(s => advisor.AccountIds.Contains(s.AccountId)).OrderBy(s => s.AccountId).ThenBy(s => s.Name)
            .Select(s => new BotSecretView(s.AccountId, s.Name, s.UpdatedAt)).ToListAsync(ct));
    }

    private static async Task<Results<Ok<BotSecretView>, ProblemHttpResult>> SetAsync(
        long accountId, string name, BotSecretInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, BotSecrets secrets, TimeProvider clock, CancellationToken ct)
    {
        if (await EditorAsync(http, dbs, accountId, ct) is null)
        {
            return Refused(http);
        }

        if (!Name().IsMatch(name) || string.IsNullOrEmpty(input.Value) || input.Value.Length > MaxValueLength)
        {
            return TypedResults.Problem($"A secret has a name of letters, digits and '_' (up to 64) and a value of 1 to {MaxValueLength} characters.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var secret = await db.BotSecrets.FirstOrDefaultAsync(s => s.AccountId == accountId && s.Name == name, ct)
            ?? db.BotSecrets.Add(new BotSecret { AccountId = accountId, Name = name, Value = string.Empty }).Entity;
        secret.Value = secrets.Protect(input.Value);
        secret.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new BotSecretView(accountId, name, secret.UpdatedAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long accountId, string name, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await EditorAsync(http, dbs, accountId, ct) is null)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.BotSecrets.Where(s => s.AccountId == accountId && s.Name == name).ExecuteDeleteAsync(ct) == 0
            ? TypedResults.Problem($"The account has no secret called '{name}'.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.NoContent();
    }

    /// <summary>A channel manager or admin of the account (of any of theirs when none is named).</summary>
    private static async Task<AdvisorSession?> EditorAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, long? accountId, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { CanEditFlows: true } advisor && (accountId is null || advisor.CanAccess(accountId.Value)) ? advisor : null;

    private static ProblemHttpResult Refused(HttpContext http) => ConsoleCaller.Refused(http, "Only channel managers and admins of the account manage its bot secrets.");

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex Name();
}
