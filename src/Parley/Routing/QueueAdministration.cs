using Microsoft.EntityFrameworkCore;
using Parley.Bots;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

public sealed record NewQueue(long AccountId, string? Name);

public sealed record QueueRename(string? Name);

public sealed record QueueView(long Id, long AccountId, string Name);

/// <summary>
/// Admins create, rename and delete the queues of their accounts. A name is unique within its account. A queue is
/// deleted only when nothing holds it (<see cref="QueueReferences"/>: no flow, inbox bot or public bot hands over to it,
/// no conversation was ever in it); otherwise 409, with what still holds it. Deleting and renaming hold the queue's row
/// (<see cref="QueueLocks"/>) while they check and change, so a writer naming the queue meanwhile waits for them, or
/// they for it. A rename is carried into the flows that name the queue (<see cref="FlowQueueRename"/>); everything else
/// names it by id.
/// </summary>
public sealed class QueueAdministration(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public const int MaxNameLength = 60;

    public async Task<Administered<List<QueueView>>> ListAsync(AdvisorSession admin, CancellationToken ct)
    {
        if (NotAdmin<List<QueueView>>(admin) is { } refused)
        {
            return refused;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var scope = admin.AccountIds.ToList();
        return await db.Queues.AsNoTracking().Where(q => scope.Contains(q.AccountId)).OrderBy(q => q.AccountId).ThenBy(q => q.Name)
            .Select(q => new QueueView(q.Id, q.AccountId, q.Name)).ToListAsync(ct);
    }

    public async Task<Administered<QueueView>> CreateAsync(AdvisorSession admin, NewQueue input, CancellationToken ct)
    {
        if ((NotAdmin<QueueView>(admin) ?? NameProblem<QueueView>(input.Name)) is { } refused)
        {
            return refused;
        }

        if (!admin.CanAccess(input.AccountId))
        {
            return Administered.Refused<QueueView>(AdminRefusal.NotFound, "No such account among yours.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var queue = new Queue { AccountId = input.AccountId, Name = input.Name!.Trim() };
        if (await TakenAsync(db, queue, ct))
        {
            return Taken<QueueView>(queue.Name);
        }

        db.Queues.Add(queue);
        await db.SaveChangesAsync(ct);
        return View(queue);
    }

    public async Task<Administered<QueueView>> RenameAsync(AdvisorSession admin, long id, QueueRename input, CancellationToken ct)
    {
        if ((NotAdmin<QueueView>(admin) ?? NameProblem<QueueView>(input.Name)) is { } refused)
        {
            return refused;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await HeldAsync(db, admin, id, ct) is not { } queue)
        {
            return NoSuchQueue<QueueView>();
        }

        var former = queue.Name;
        queue.Name = input.Name!.Trim();
        if (await TakenAsync(db, queue, ct))
        {
            return Taken<QueueView>(queue.Name);
        }

        await db.SaveChangesAsync(ct);
        if (former != queue.Name)
        {
            await FlowQueueRename.CarryAsync(db, queue.AccountId, former, queue.Name, admin.Id, clock.GetUtcNow().UtcDateTime, ct);
        }

        await transaction.CommitAsync(ct);
        return View(queue);
    }

    public async Task<Administered<bool>> DeleteAsync(AdvisorSession admin, long id, CancellationToken ct)
    {
        if (NotAdmin<bool>(admin) is { } refused)
        {
            return refused;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await HeldAsync(db, admin, id, ct) is not { } queue)
        {
            return NoSuchQueue<bool>();
        }

        if (await QueueReferences.RefusalAsync(db, queue, ct) is { } held)
        {
            return Administered.Refused<bool>(AdminRefusal.Conflict, held);
        }

        await db.AdvisorQueues.Where(m => m.QueueId == id).ExecuteDeleteAsync(ct);
        await db.QueueSkills.Where(s => s.QueueId == id).ExecuteDeleteAsync(ct);
        await db.QueueRelaxations.Where(s => s.QueueId == id).ExecuteDeleteAsync(ct);
        await db.QueueTargets.Where(t => t.QueueId == id).ExecuteDeleteAsync(ct);
        await db.Queues.Where(q => q.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>The queue, if it is one of the admin's, its row held until the transaction ends; read after the lock, so current.</summary>
    private static async Task<Queue?> HeldAsync(ParleyDb db, AdvisorSession admin, long id, CancellationToken ct)
    {
        var scope = admin.AccountIds.ToList();
        return await QueueLocks.HoldAsync(db, id, ct) ? await db.Queues.FirstOrDefaultAsync(q => q.Id == id && scope.Contains(q.AccountId), ct) : null;
    }

    private static Task<bool> TakenAsync(ParleyDb db, Queue queue, CancellationToken ct) =>
        db.Queues.AnyAsync(q => q.AccountId == queue.AccountId && q.Name == queue.Name && q.Id != queue.Id, ct);

    private static QueueView View(Queue queue) => new(queue.Id, queue.AccountId, queue.Name);

    private static Administered<T>? NotAdmin<T>(AdvisorSession caller) =>
        caller.Role == AdvisorRole.Admin ? null : Administered.Refused<T>(AdminRefusal.Forbidden, "Only admins manage queues.");

    private static Administered<T>? NameProblem<T>(string? name) =>
        ConsoleProblems.NameProblem(name, "A queue's name", MaxNameLength) is { } problem ? Administered.Refused<T>(AdminRefusal.Invalid, problem) : null;

    private static Administered<T> NoSuchQueue<T>() => Administered.Refused<T>(AdminRefusal.NotFound, "No such queue in your accounts.");

    private static Administered<T> Taken<T>(string name) => Administered.Refused<T>(AdminRefusal.Conflict, $"The account already has a queue called '{name}'.");
}
