using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Identity;

public sealed record TeamInput(long AccountId, string Name);

public sealed record TeamRename(string Name);

public sealed record TeamView(long Id, long AccountId, string Name, IReadOnlyList<long> MemberIds);

/// <summary>
/// /api/console/teams: the teams of an account and their members. Every advisor sees the teams of their accounts; only
/// admins create, rename, delete and staff them, in their own accounts. A team of another account is answered as missing.
/// </summary>
public static class TeamsApi
{
    public const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/console/teams").WithTags("Console").ExcludeFromDescription();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:long}", RenameAsync);
        group.MapDelete("/{id:long}", DeleteAsync);
        group.MapPut("/{id:long}/members/{advisorId:long}", AddMemberAsync);
        group.MapDelete("/{id:long}/members/{advisorId:long}", RemoveMemberAsync);
        return app;
    }

    private static async Task<Results<Ok<List<TeamView>>, ProblemHttpResult>> ListAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => advisor.AccountIds.Contains(t.AccountId)).OrderBy(t => t.AccountId).ThenBy(t => t.Name).ToListAsync(ct);
        var ids = teams.Select(t => t.Id).ToList();
        var members = (await db.AdvisorTeams.AsNoTracking().Where(m => ids.Contains(m.TeamId)).ToListAsync(ct)).ToLookup(m => m.TeamId, m => m.AdvisorId);
        return TypedResults.Ok(teams.Select(t => View(t, members[t.Id])).ToList());
    }

    private static async Task<Results<Created<TeamView>, ProblemHttpResult>> CreateAsync(
        TeamInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, TimeProvider clock, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin || !admin.CanAccess(input.AccountId))
        {
            return Refused(http);
        }

        if (ConsoleProblems.NameProblem(input.Name, "A team's name", MaxNameLength) is { } problem)
        {
            return ConsoleProblems.Invalid(problem);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var team = new Team { AccountId = input.AccountId, Name = input.Name.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Teams.Add(team);
        if (!await SavedAsync(db, ct))
        {
            return Taken(team.Name);
        }

        return TypedResults.Created($"/api/console/teams/{team.Id}", View(team, []));
    }

    private static async Task<Results<Ok<TeamView>, ProblemHttpResult>> RenameAsync(
        long id, TeamRename input, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (ConsoleProblems.NameProblem(input.Name, "A team's name", MaxNameLength) is { } problem)
        {
            return ConsoleProblems.Invalid(problem);
        }

        return await WithTeamAsync<Ok<TeamView>>(http, dbs, id, async (db, team) =>
        {
            team.Name = input.Name.Trim();
            return await SavedAsync(db, ct) ? TypedResults.Ok(await ViewAsync(db, team, ct)) : Taken(team.Name);
        }, ct);
    }

    /// <summary>Deletes the team, its memberships and its favourite replies, in one transaction.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await WithTeamAsync<NoContent>(http, dbs, id, async (db, team) =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.FavouriteReplies.Where(r => r.TeamId == team.Id).ExecuteDeleteAsync(ct);
            await db.AdvisorTeams.Where(m => m.TeamId == team.Id).ExecuteDeleteAsync(ct);
            await db.Teams.Where(t => t.Id == team.Id).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            return TypedResults.NoContent();
        }, ct);

    /// <summary>Adds an advisor of the team's account (adding twice is fine).</summary>
    private static async Task<Results<Ok<TeamView>, ProblemHttpResult>> AddMemberAsync(
        long id, long advisorId, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await WithTeamAsync<Ok<TeamView>>(http, dbs, id, async (db, team) =>
        {
            if (!await db.AdvisorAccounts.AnyAsync(a => a.AdvisorId == advisorId && a.AccountId == team.AccountId, ct))
            {
                return ConsoleProblems.NotFound("No such advisor in the team's account.");
            }

            if (!await db.AdvisorTeams.AnyAsync(m => m.TeamId == team.Id && m.AdvisorId == advisorId, ct))
            {
                db.AdvisorTeams.Add(new AdvisorTeam { TeamId = team.Id, AdvisorId = advisorId });
                // Two admins adding the same member at once: the second insert is refused by the key, and the answer is the same.
                await SavedAsync(db, ct);
            }

            return TypedResults.Ok(await ViewAsync(db, team, ct));
        }, ct);

    private static async Task<Results<Ok<TeamView>, ProblemHttpResult>> RemoveMemberAsync(
        long id, long advisorId, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await WithTeamAsync<Ok<TeamView>>(http, dbs, id, async (db, team) =>
        {
            await db.AdvisorTeams.Where(m => m.TeamId == team.Id && m.AdvisorId == advisorId).ExecuteDeleteAsync(ct);
            return TypedResults.Ok(await ViewAsync(db, team, ct));
        }, ct);

    /// <summary>Runs <paramref name="change"/> on a team of the calling admin's accounts (tracked); 401, 403 or 404 otherwise.</summary>
    private static async Task<Results<T, ProblemHttpResult>> WithTeamAsync<T>(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, long id, Func<ParleyDb, Team, Task<Results<T, ProblemHttpResult>>> change, CancellationToken ct)
        where T : IResult
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return Refused(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        return team is null || !admin.CanAccess(team.AccountId)
            ? ConsoleProblems.NotFound("No such team in your accounts.")
            : await change(db, team);
    }

    private static async Task<bool> SavedAsync(ParleyDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return false;
        }
    }

    private static async Task<TeamView> ViewAsync(ParleyDb db, Team team, CancellationToken ct) =>
        View(team, await db.AdvisorTeams.AsNoTracking().Where(m => m.TeamId == team.Id).Select(m => m.AdvisorId).ToListAsync(ct));

    private static TeamView View(Team team, IEnumerable<long> members) => new(team.Id, team.AccountId, team.Name, members.Order().ToList());

    private static async Task<AdvisorSession?> AdminAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { Role: AdvisorRole.Admin } admin ? admin : null;

    private static ProblemHttpResult Refused(HttpContext http) => ConsoleCaller.Refused(http, "Only admins of the account manage its teams.");

    private static ProblemHttpResult Taken(string name) => ConsoleProblems.Conflict($"The account already has a team called '{name}'.");
}
