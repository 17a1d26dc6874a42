using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>
/// Admins manage routing in their accounts: skills, advisors' skill levels and capacities, queues' requirements,
/// relaxation steps and sticky window, channel weights. Every write replaces the whole list it names.
/// </summary>
public static class RoutingAdminApi
{
    public sealed record SkillDto(long Id, long AccountId, string Name, SkillKind Kind);

    public sealed record NewSkill(long AccountId, string? Name, SkillKind Kind);

    public sealed record SkillLevel(long SkillId, int Level);

    public sealed record AdvisorSkills(IReadOnlyList<SkillLevel>? Skills);

    public sealed record Capacities(int Private, int Public);

    public sealed record Step(int AfterSeconds, long? SkillId, int? LowerTo);

    public sealed record QueueRouting(IReadOnlyList<SkillLevel>? Skills, IReadOnlyList<Step>? Relaxations, int StickySeconds);

    public sealed record Weight(long AccountId, ChannelKind Channel, int Units);

    public static IEndpointRouteBuilder MapRoutingApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console").WithTags("Routing").ExcludeFromDescription();
        console.MapGet("/skills", ListSkillsAsync);
        console.MapPost("/skills", CreateSkillAsync);
        console.MapPut("/advisors/{id:long}/skills", SetAdvisorSkillsAsync);
        console.MapPut("/advisors/{id:long}/capacity", SetCapacityAsync);
        console.MapGet("/queues/{id:long}/routing", QueueRoutingAsync);
        console.MapPut("/queues/{id:long}/routing", SetQueueRoutingAsync);
        console.MapChannelWeights();
        console.MapPost("/conversations/{id:long}/transfer", TransferApi.TransferAsync);
        console.MapPut("/presence", TransferApi.SetPresenceAsync);
        return app;
    }

    private static async Task<Results<Ok<List<SkillDto>>, ProblemHttpResult>> ListSkillsAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return TypedResults.Ok(await db.Skills.AsNoTracking().Where(s => admin.AccountIds.Contains(s.AccountId))
            .OrderBy(s => s.AccountId).ThenBy(s => s.Name).Select(s => new SkillDto(s.Id, s.AccountId, s.Name, s.Kind)).ToListAsync(ct));
    }

    private static async Task<Results<Ok<SkillDto>, ProblemHttpResult>> CreateSkillAsync(
        NewSkill request, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        var name = request.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 60 || name.Contains(':') || Hosting.InputText.Problem(name, "The name") is not null)
        {
            return Bad("A skill's name has 1 to 60 characters, on one line, without ':'.");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            return Bad("A skill's kind is topic, language, vip or public.");
        }

        if (!admin.CanAccess(request.AccountId))
        {
            return NotFound("No such account among yours.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Skills.AnyAsync(s => s.AccountId == request.AccountId && s.Name == name, ct))
        {
            return TypedResults.Problem($"The account already has a skill named {name}.", statusCode: StatusCodes.Status409Conflict, title: "Duplicate skill");
        }

        var skill = new Skill { AccountId = request.AccountId, Name = name, Kind = request.Kind };
        db.Skills.Add(skill);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SkillDto(skill.Id, skill.AccountId, skill.Name, skill.Kind));
    }

    private static async Task<Results<Ok<AdvisorSkills>, ProblemHttpResult>> SetAdvisorSkillsAsync(
        long id, AdvisorSkills request, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        var skills = request.Skills ?? [];
        if (skills.Any(s => s.Level is < 1 or > 5) || skills.Select(s => s.SkillId).Distinct().Count() != skills.Count)
        {
            return Bad("Each skill once, at a level from 1 to 5.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = await AdvisorAccountsAsync(db, admin, id, ct);
        if (accounts.Count == 0)
        {
            return NotFound("No such advisor in your accounts.");
        }

        if (await UnknownSkillAsync(db, skills.Select(s => s.SkillId), accounts, ct))
        {
            return Bad("Every skill must be a skill of one of the advisor's accounts that you manage.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.AdvisorSkills.Where(s => s.AdvisorId == id && db.Skills.Any(k => k.Id == s.SkillId && accounts.Contains(k.AccountId))).ExecuteDeleteAsync(ct);
        db.AdvisorSkills.AddRange(skills.Select(s => new AdvisorSkill { AdvisorId = id, SkillId = s.SkillId, Level = s.Level }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new AdvisorSkills(skills));
    }

    private static async Task<Results<Ok<Capacities>, ProblemHttpResult>> SetCapacityAsync(
        long id, Capacities request, HttpContext http, IDbContextFactory<ParleyDb> dbs, RoutingSignal routing, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        if (request.Private is < 0 or > 100 || request.Public is < 0 or > 100)
        {
            return Bad("Capacities are 0 to 100 load units.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if ((await AdvisorAccountsAsync(db, admin, id, ct)).Count == 0)
        {
            return NotFound("No such advisor in your accounts.");
        }

        await db.Advisors.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Capacity, request.Private).SetProperty(a => a.PublicCapacity, request.Public), ct);
        routing.Ring();
        return TypedResults.Ok(request);
    }

    private static async Task<Results<Ok<QueueRouting>, ProblemHttpResult>> QueueRoutingAsync(
        long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var queue = await db.Queues.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id && admin.AccountIds.Contains(q.AccountId), ct);
        return queue is null ? NotFound("No such queue in your accounts.") : TypedResults.Ok(await ReadQueueAsync(db, queue, ct));
    }

    private static async Task<Results<Ok<QueueRouting>, ProblemHttpResult>> SetQueueRoutingAsync(
        long id, QueueRouting request, HttpContext http, IDbContextFactory<ParleyDb> dbs, RoutingSignal routing, CancellationToken ct)
    {
        if (await AdminAsync(http, dbs, ct) is not { } admin)
        {
            return NotAdmin(http);
        }

        var (skills, steps) = (request.Skills ?? [], request.Relaxations ?? []);
        if (QueueRoutingProblem(skills, steps, request.StickySeconds) is { } problem)
        {
            return Bad(problem);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var queue = await db.Queues.FirstOrDefaultAsync(q => q.Id == id && admin.AccountIds.Contains(q.AccountId), ct);
        if (queue is null)
        {
            return NotFound("No such queue in your accounts.");
        }

        if (await UnknownSkillAsync(db, skills.Select(s => s.SkillId).Concat(steps.Where(s => s.SkillId is not null).Select(s => s.SkillId!.Value)), [queue.AccountId], ct))
        {
            return Bad("Every skill must be a skill of the queue's account.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.QueueSkills.Where(s => s.QueueId == id).ExecuteDeleteAsync(ct);
        await db.QueueRelaxations.Where(s => s.QueueId == id).ExecuteDeleteAsync(ct);
        db.QueueSkills.AddRange(skills.Select(s => new QueueSkill { QueueId = id, SkillId = s.SkillId, MinLevel = s.Level }));
        db.QueueRelaxations.AddRange(steps.Select(s => new QueueRelaxation { QueueId = id, AfterSeconds = s.AfterSeconds, SkillId = s.SkillId, LowerTo = s.LowerTo }));
        queue.StickySeconds = request.StickySeconds;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        routing.Ring();
        return TypedResults.Ok(await ReadQueueAsync(db, queue, ct));
    }

    private static string? QueueRoutingProblem(IReadOnlyList<SkillLevel> skills, IReadOnlyList<Step> steps, int stickySeconds) =>
        skills.Any(s => s.Level is < 1 or > 5) || skills.Select(s => s.SkillId).Distinct().Count() != skills.Count
            ? "Each required skill once, at a minimum level from 1 to 5."
            : steps.Count > 20 || steps.Any(s => s.AfterSeconds is < 0 or > 86_400 || s.LowerTo is < 1 or > 5)
                ? "At most 20 relaxation steps, each after 0 to 86,400 seconds, lowering to a level from 1 to 5 (or none: dropped)."
                : stickySeconds is < 0 or > 30 * 86_400
                    ? "The sticky window is 0 (off) to 2,592,000 seconds (30 days)."
                    : null;

    private static async Task<QueueRouting> ReadQueueAsync(ParleyDb db, Queue queue, CancellationToken ct) => new(
        await db.QueueSkills.AsNoTracking().Where(s => s.QueueId == queue.Id).OrderBy(s => s.SkillId).Select(s => new SkillLevel(s.SkillId, s.MinLevel)).ToListAsync(ct),
        await db.QueueRelaxations.AsNoTracking().Where(s => s.QueueId == queue.Id).OrderBy(s => s.AfterSeconds).ThenBy(s => s.Id)
            .Select(s => new Step(s.AfterSeconds, s.SkillId, s.LowerTo)).ToListAsync(ct),
        queue.StickySeconds);

    /// <summary>The accounts of the advisor that the admin manages too (none: not the admin's to change).</summary>
    private static Task<List<long>> AdvisorAccountsAsync(ParleyDb db, AdvisorSession admin, long advisorId, CancellationToken ct) =>
        db.AdvisorAccounts.Where(m => m.AdvisorId == advisorId && admin.AccountIds.Contains(m.AccountId)).Select(m => m.AccountId).ToListAsync(ct);

    private static async Task<bool> UnknownSkillAsync(ParleyDb db, IEnumerable<long> skillIds, IReadOnlyCollection<long> accounts, CancellationToken ct)
    {
        var ids = skillIds.Distinct().ToList();
        return ids.Count > 0 && await db.Skills.CountAsync(s => ids.Contains(s.Id) && accounts.Contains(s.AccountId), ct) != ids.Count;
    }

    internal static async Task<AdvisorSession?> AdminAsync(HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct) =>
        await ConsoleCaller.SessionAsync(http, dbs, ct) is { Role: AdvisorRole.Admin } admin ? admin : null;

    internal static ProblemHttpResult NotAdmin(HttpContext http) => ConsoleCaller.Refused(http, "Only admins manage routing.");

    internal static ProblemHttpResult Bad(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid routing settings");

    internal static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
