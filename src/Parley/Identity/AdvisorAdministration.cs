using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Routing;

namespace Parley.Identity;

public sealed record NewAdvisor(string? Email, string? DisplayName, AdvisorRole Role, IReadOnlyList<long>? AccountIds, string? Password, IReadOnlyList<long>? QueueIds = null);

public sealed record AdvisorEdit(string? DisplayName, AdvisorRole Role, IReadOnlyList<long>? AccountIds, IReadOnlyList<long>? QueueIds, bool Disabled);

public sealed record NewPassword(string? Password);

/// <summary>
/// Admins create advisors and change them, in their own accounts. Accounts and queues are changed within the admin's
/// accounts only; what concerns the person everywhere (name, role, disabled, password) only by an admin of every one
/// of the advisor's accounts. A new role, accounts, password or a disabling ends the advisor's sessions (a new security
/// stamp, as <see cref="AdvisorSecurity"/> does); a disabled advisor is set offline and their open conversations go
/// back to their queues at once.
/// </summary>
public sealed class AdvisorAdministration(
    IDbContextFactory<ParleyDb> dbs,
    IPasswordHasher<Advisor> hasher,
    AdvisorSecurity security,
    SessionStamps stamps,
    PresenceSweep sweep,
    ConversationEventHub hub,
    RoutingSignal routing,
    TimeProvider clock)
{
    public const int MaxNameLength = 100;

    public async Task<Administered<List<AdvisorView>>> ListAsync(AdvisorSession admin, CancellationToken ct)
    {
        if (NotAdmin(admin) is { } refused)
        {
            return Administered.Refused<List<AdvisorView>>(refused.Refusal, refused.Detail!);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        return await AdvisorDirectory.ReadAsync(db, admin, null, ct);
    }

    public async Task<Administered<AdvisorView>> CreateAsync(AdvisorSession admin, NewAdvisor input, CancellationToken ct)
    {
        var email = AdvisorSignIn.NormaliseEmail(input.Email);
        var accounts = (input.AccountIds ?? []).Distinct().ToList();
        var queues = (input.QueueIds ?? []).Distinct().ToList();
        var problem = NotAdmin(admin)
            ?? EmailProblem(email)
            ?? PersonProblem(input.DisplayName, input.Role)
            ?? AccountsProblem(admin, accounts)
            ?? Invalid(PasswordRules.Problem(input.Password, email));
        if (problem is not null)
        {
            return Administered.Refused<AdvisorView>(problem.Refusal, problem.Detail!);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await QueuesProblemAsync(db, queues, accounts, ct) is { } badQueues)
        {
            return Administered.Refused<AdvisorView>(badQueues.Refusal, badQueues.Detail!);
        }

        if (await db.Advisors.AnyAsync(a => a.Email == email, ct))
        {
            return EmailTaken<AdvisorView>(email);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var advisor = new Advisor
        {
            Email = email, DisplayName = input.DisplayName!.Trim(), PasswordHash = string.Empty, Role = input.Role,
            Presence = Presence.Offline, PresenceChangedAt = now, CreatedAt = now,
        };
        advisor.PasswordHash = hasher.HashPassword(advisor, input.Password!);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Advisors.Add(advisor);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return EmailTaken<AdvisorView>(email);
        }

        db.AdvisorAccounts.AddRange(accounts.Select(a => new AdvisorAccount { AdvisorId = advisor.Id, AccountId = a }));
        db.AdvisorQueues.AddRange(queues.Select(q => new AdvisorQueue { AdvisorId = advisor.Id, QueueId = q }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            return QueueGone<AdvisorView>();
        }

        await transaction.CommitAsync(ct);
        return (await AdvisorDirectory.ReadAsync(db, admin, advisor.Id, ct)).Single();
    }

    public async Task<Administered<AdvisorView>> EditAsync(AdvisorSession admin, long id, AdvisorEdit edit, CancellationToken ct)
    {
        var accounts = (edit.AccountIds ?? []).Distinct().ToList();
        var queues = (edit.QueueIds ?? []).Distinct().ToList();
        if ((NotAdmin(admin) ?? PersonProblem(edit.DisplayName, edit.Role) ?? AccountsProblem(admin, accounts)) is { } problem)
        {
            return Administered.Refused<AdvisorView>(problem.Refusal, problem.Detail!);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var (advisor, current) = await TargetAsync(db, admin, id, ct);
        if (advisor is null)
        {
            return NoSuchAdvisor<AdvisorView>();
        }

        var name = edit.DisplayName!.Trim();
        var disabling = edit.Disabled && advisor.DisabledAt is null;
        var personChanged = name != advisor.DisplayName || edit.Role != advisor.Role || edit.Disabled != (advisor.DisabledAt is not null);
        var refusal = personChanged ? OthersAdvisor(admin, current) : null;
        refusal ??= id == admin.Id && (edit.Role != advisor.Role || edit.Disabled)
            ? new Refused(AdminRefusal.Invalid, "You cannot change your own role or disable yourself: ask another admin.")
            : await QueuesProblemAsync(db, queues, accounts, ct);
        if (refusal is not null)
        {
            return Administered.Refused<AdvisorView>(refusal.Refusal, refusal.Detail!);
        }

        var removed = current.Where(a => admin.CanAccess(a) && !accounts.Contains(a)).ToList();
        var added = accounts.Where(a => !current.Contains(a)).ToList();
        var endSessions = edit.Role != advisor.Role || removed.Count > 0 || added.Count > 0 || disabling;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            advisor.DisplayName = name;
            advisor.Role = edit.Role;
            advisor.DisabledAt = edit.Disabled ? advisor.DisabledAt ?? clock.GetUtcNow().UtcDateTime : null;
            if (disabling)
            {
                advisor.Presence = Presence.Offline;
                advisor.PresenceChangedAt = clock.GetUtcNow().UtcDateTime;
            }

            if (endSessions)
            {
                advisor.SecurityStamp = SessionStamps.NewStamp();
            }

            await db.AdvisorAccounts.Where(m => m.AdvisorId == id && removed.Contains(m.AccountId)).ExecuteDeleteAsync(ct);
            await db.AdvisorTeams.Where(m => m.AdvisorId == id && db.Teams.Any(t => t.Id == m.TeamId && removed.Contains(t.AccountId))).ExecuteDeleteAsync(ct);
            await db.AdvisorSkills.Where(s => s.AdvisorId == id && db.Skills.Any(k => k.Id == s.SkillId && removed.Contains(k.AccountId))).ExecuteDeleteAsync(ct);
            var scope = admin.AccountIds.ToList();
            await db.AdvisorQueues.Where(m => m.AdvisorId == id && db.Queues.Any(q => q.Id == m.QueueId && scope.Contains(q.AccountId))).ExecuteDeleteAsync(ct);
            db.AdvisorAccounts.AddRange(added.Select(a => new AdvisorAccount { AdvisorId = id, AccountId = a }));
            db.AdvisorQueues.AddRange(queues.Select(q => new AdvisorQueue { AdvisorId = id, QueueId = q }));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
            {
                return QueueGone<AdvisorView>();
            }

            await transaction.CommitAsync(ct);
        }

        if (endSessions)
        {
            stamps.Forget(id);
        }

        if (disabling)
        {
            await sweep.RequeueNowAsync(id, $"{name} was disabled", ct);
            foreach (var account in current.Union(accounts))
            {
                hub.Publish(new AdvisorPresenceChanged(account, id));
            }
        }

        routing.Ring();
        return (await AdvisorDirectory.ReadAsync(db, admin, id, ct)).Single();
    }

    /// <summary>A new password chosen by an admin; the advisor's sessions end.</summary>
    public async Task<Administered<bool>> ResetPasswordAsync(AdvisorSession admin, long id, NewPassword input, CancellationToken ct)
    {
        if (NotAdmin(admin) is { } notAdmin)
        {
            return Administered.Refused<bool>(notAdmin.Refusal, notAdmin.Detail!);
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var (advisor, current) = await TargetAsync(db, admin, id, ct);
        if (advisor is null)
        {
            return NoSuchAdvisor<bool>();
        }

        if ((OthersAdvisor(admin, current) ?? Invalid(PasswordRules.Problem(input.Password, advisor.Email))) is { } problem)
        {
            return Administered.Refused<bool>(problem.Refusal, problem.Detail!);
        }

        return await security.ChangePasswordAsync(id, input.Password!, ct);
    }

    private sealed record Refused(AdminRefusal Refusal, string? Detail);

    private static Refused? NotAdmin(AdvisorSession caller) =>
        caller.Role == AdvisorRole.Admin ? null : new(AdminRefusal.Forbidden, "Only admins manage advisors.");

    private static Refused? Invalid(string? detail) => detail is null ? null : new(AdminRefusal.Invalid, detail);

    private static Refused? EmailProblem(string email) =>
        email.Length is 0 or > AdvisorSignIn.MaxEmailLength || email.Count(c => c == '@') != 1 || email.StartsWith('@') || email.EndsWith('@')
            || email.Any(char.IsWhiteSpace) || Hosting.InputText.Problem(email, "The email") is not null
            ? new(AdminRefusal.Invalid, "An email address, like name@example.com.")
            : null;

    private static Refused? PersonProblem(string? name, AdvisorRole role) =>
        Invalid(ConsoleProblems.NameProblem(name, "An advisor's name", MaxNameLength))
        ?? (Enum.IsDefined(role) ? null : new(AdminRefusal.Invalid, "A role is advisor, supervisor, channelManager or admin."));

    private static Refused? AccountsProblem(AdvisorSession admin, List<long> accounts) =>
        accounts.Count == 0 ? new(AdminRefusal.Invalid, "An advisor works in at least one of your accounts.")
        : accounts.All(admin.CanAccess) ? null
        : new(AdminRefusal.NotFound, "No such account among yours.");

    /// <summary>Name, role, disabling and password are the person's in every account: the admin must manage them all.</summary>
    private static Refused? OthersAdvisor(AdvisorSession admin, IReadOnlyList<long> accounts) =>
        accounts.All(admin.CanAccess) ? null
        : new(AdminRefusal.Forbidden, "The advisor also works in accounts you do not manage: only an admin of all of them changes their name, role, password or disables them.");

    /// <summary>A queue checked a moment before was deleted by another admin before the advisor was saved; nothing was saved.</summary>
    private static Administered<T> QueueGone<T>() =>
        Administered.Refused<T>(AdminRefusal.Invalid, "A queue you chose was deleted meanwhile: nothing was saved, choose the queues again.");

    private static async Task<Refused?> QueuesProblemAsync(ParleyDb db, List<long> queues, List<long> accounts, CancellationToken ct) =>
        queues.Count == 0 || await db.Queues.CountAsync(q => queues.Contains(q.Id) && accounts.Contains(q.AccountId), ct) == queues.Count
            ? null
            : new(AdminRefusal.Invalid, "Every queue must be a queue of the advisor's accounts that you manage.");

    /// <summary>The advisor (tracked) and all their accounts, when one of them is the admin's; else null.</summary>
    private static async Task<(Advisor? Advisor, List<long> Accounts)> TargetAsync(ParleyDb db, AdvisorSession admin, long id, CancellationToken ct)
    {
        var accounts = await db.AdvisorAccounts.Where(m => m.AdvisorId == id).Select(m => m.AccountId).ToListAsync(ct);
        return accounts.Any(admin.CanAccess) ? (await db.Advisors.FirstOrDefaultAsync(a => a.Id == id, ct), accounts) : (null, accounts);
    }

    private static Administered<T> NoSuchAdvisor<T>() => Administered.Refused<T>(AdminRefusal.NotFound, "No such advisor in your accounts.");

    private static Administered<T> EmailTaken<T>(string email) => Administered.Refused<T>(AdminRefusal.Conflict, $"An advisor already signs in as {email}.");
}
