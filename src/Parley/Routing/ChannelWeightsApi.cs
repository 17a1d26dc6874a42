using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using static Parley.Routing.RoutingAdminApi;

namespace Parley.Routing;

/// <summary>
/// /api/console/channel-weights: how many load units a conversation of each channel counts for in an account, read and
/// set by the account's admins. The read names every channel, 1 where none is set, as routing counts it.
/// </summary>
public static class ChannelWeightsApi
{
    public static RouteGroupBuilder MapChannelWeights(this RouteGroupBuilder console)
    {
        console.MapGet("/channel-weights", GetWeightsAsync);
        console.MapPut("/channel-weights", SetWeightAsync);
        return console;
    }

    /// <summary>The weights of one account (<paramref name="accountId"/>), or of every account the admin manages.</summary>
    private static async Task<Results<Ok<List<Weight>>, ProblemHttpResult>> GetWeightsAsync(
        long? accountId, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        if (accountId is { } one && !admin.CanAccess(one))
        {
            return NotFound("No such account among yours.");
        }

        List<long> accounts = accountId is { } only ? [only] : [.. admin.AccountIds.Order()];
        await using var db = await dbs.CreateDbContextAsync(ct);
        var set = await db.ChannelWeights.AsNoTracking().Where(w => accounts.Contains(w.AccountId))
            .ToDictionaryAsync(w => (w.AccountId, w.Channel), w => w.Units, ct);
        return TypedResults.Ok(accounts
            .SelectMany(account => Enum.GetValues<ChannelKind>().Select(channel => new Weight(account, channel, AdvisorLoad.Units(set, account, channel))))
            .ToList());
    }

    private static async Task<Results<Ok<Weight>, ProblemHttpResult>> SetWeightAsync(
        Weight request, HttpContext http, IDbContextFactory<ParleyDb> dbs, RoutingSignal routing, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        if (request.Units is < 1 or > 100 || !Enum.IsDefined(request.Channel))
        {
            return Bad("A channel's weight is 1 to 100 load units.");
        }

        if (!admin.CanAccess(request.AccountId))
        {
            return NotFound("No such account among yours.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var weight = await db.ChannelWeights.FirstOrDefaultAsync(w => w.AccountId == request.AccountId && w.Channel == request.Channel, ct);
        if (weight is null)
        {
            db.ChannelWeights.Add(new ChannelWeight { AccountId = request.AccountId, Channel = request.Channel, Units = request.Units });
        }
        else
        {
            weight.Units = request.Units;
        }

        await db.SaveChangesAsync(ct);
        routing.Ring();
        return TypedResults.Ok(request);
    }
}
