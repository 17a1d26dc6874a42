using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

/// <summary>
/// A list query kept under a name (the console URL's query string, see <see cref="ConsoleUrl"/>): an advisor's own
/// (<see cref="OwnerId"/>), or shared with every advisor of an account (<see cref="AccountId"/>, made by its supervisors).
/// </summary>
public sealed class SavedView
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Query { get; set; }
    public long? OwnerId { get; set; }
    public long? AccountId { get; set; }
    public long CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed record SavedViewDto(long Id, string Name, string Query, bool Shared, long? AccountId)
{
    public static SavedViewDto From(SavedView v) => new(v.Id, v.Name, v.Query, v.AccountId is not null, v.AccountId);
}

/// <summary>What saving or deleting a view came to; <see cref="Problem"/> says why it was refused.</summary>
public sealed record ViewOutcome(SavedViewDto? View, ViewRefusal? Refusal = null, string? Problem = null);

public enum ViewRefusal
{
    BadInput,
    Forbidden,
    NotFound,
}

/// <summary>Saved views, read and changed by the signed-in advisor: their own and their accounts' shared ones only.</summary>
public sealed class SavedViews(IDbContextFactory<ParleyDb> dbs, TimeProvider clock)
{
    public const int MaxNameLength = 80;
    public const int MaxPersonalViews = 100;

    public async Task<IReadOnlyList<SavedViewDto>> VisibleAsync(AdvisorSession advisor, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var views = await Visible(db, advisor).OrderBy(v => v.AccountId != null).ThenBy(v => v.Name).ThenBy(v => v.Id).ToListAsync(ct);
        return views.Select(SavedViewDto.From).ToList();
    }

    public async Task<SavedViewDto?> GetAsync(AdvisorSession advisor, long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await Visible(db, advisor).Where(v => v.Id == id).FirstOrDefaultAsync(ct) is { } view ? SavedViewDto.From(view) : null;
    }

    /// <summary>Saves <paramref name="query"/> as the advisor's own view, or as <paramref name="accountId"/>'s shared one.</summary>
    public async Task<ViewOutcome> CreateAsync(AdvisorSession advisor, string? name, string? query, long? accountId, CancellationToken ct)
    {
        name = name?.Trim();
        if (name is not { Length: > 0 and <= MaxNameLength })
        {
            return new ViewOutcome(null, ViewRefusal.BadInput, $"A view's name has 1 to {MaxNameLength} characters.");
        }

        var parsed = ConsoleUrl.Parse(query, out var errors);
        if (errors.Count > 0 || parsed.ViewId is not null)
        {
            return new ViewOutcome(null, ViewRefusal.BadInput, errors.Count > 0 ? string.Join(' ', errors) : "A view cannot name another view.");
        }

        if (accountId is { } account && !(advisor.CanSupervise && advisor.CanAccess(account)))
        {
            return new ViewOutcome(null, ViewRefusal.Forbidden, "Only supervisors and admins of the account share views with it.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (accountId is null && await db.SavedViews.CountAsync(v => v.OwnerId == advisor.Id, ct) >= MaxPersonalViews)
        {
            return new ViewOutcome(null, ViewRefusal.BadInput, $"At most {MaxPersonalViews} views of your own: delete one first.");
        }

        var view = new SavedView
        {
            Name = name,
            Query = ConsoleUrl.Format(parsed.Filter),
            OwnerId = accountId is null ? advisor.Id : null,
            AccountId = accountId,
            CreatedBy = advisor.Id,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.SavedViews.Add(view);
        await db.SaveChangesAsync(ct);
        return new ViewOutcome(SavedViewDto.From(view));
    }

    /// <summary>An advisor deletes their own views; supervisors and admins their accounts' shared ones.</summary>
    public async Task<ViewOutcome> DeleteAsync(AdvisorSession advisor, long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await Visible(db, advisor).Where(v => v.Id == id).FirstOrDefaultAsync(ct) is not { } view)
        {
            return new ViewOutcome(null, ViewRefusal.NotFound, "No such view.");
        }

        if (view.AccountId is not null && !advisor.CanSupervise)
        {
            return new ViewOutcome(null, ViewRefusal.Forbidden, "Only supervisors and admins delete a shared view.");
        }

        await db.SavedViews.Where(v => v.Id == id).ExecuteDeleteAsync(ct);
        return new ViewOutcome(SavedViewDto.From(view));
    }

    private static IQueryable<SavedView> Visible(ParleyDb db, AdvisorSession advisor)
    {
        var accounts = advisor.AccountIds.ToList();
        return db.SavedViews.AsNoTracking().Where(v => v.OwnerId == advisor.Id || (v.AccountId != null && accounts.Contains(v.AccountId.Value)));
    }
}
