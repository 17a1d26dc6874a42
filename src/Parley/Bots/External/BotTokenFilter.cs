using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Bots.External;

/// <summary>
/// Lets a bot API call through with a valid, unrevoked API token (<c>Authorization: Bearer pbt_...</c>) and records the
/// token's account for the endpoint. Tokens are looked up by their SHA-256, so the stored value cannot be used as one.
/// </summary>
public sealed class BotTokenFilter(IDbContextFactory<ParleyDb> dbs) : IEndpointFilter
{
    public const string Prefix = "pbt_";
    private const string AccountKey = "parley.bot.account";

    public static long Account(HttpContext http) => (long)http.Items[AccountKey]!;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + Prefix, StringComparison.Ordinal) || header.Length > 200)
        {
            return Refused("Send an API token: Authorization: Bearer pbt_...");
        }

        await using var db = await dbs.CreateDbContextAsync(http.RequestAborted);
        var hash = Hash(header["Bearer ".Length..]);
        var account = await db.ApiTokens.Where(t => t.TokenHash == hash && t.RevokedAt == null).Select(t => (long?)t.AccountId).FirstOrDefaultAsync(http.RequestAborted);
        if (account is null)
        {
            return Refused("This API token is unknown or revoked.");
        }

        http.Items[AccountKey] = account.Value;
        return await next(context);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refused(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not authorised");
}
