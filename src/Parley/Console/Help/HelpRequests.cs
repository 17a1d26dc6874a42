using Microsoft.EntityFrameworkCore;
using Parley.Console.Notes;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console.Help;

public sealed record HelpRequestView(
    long Id, long ConversationId, long AccountId, long RequesterId, string RequesterName, string? ContactName, string Note, HelpStatus Status,
    DateTime CreatedAt, string? AnsweredBy, string? JoinedBy, string? ClosedBy, bool TakenOver);

public enum HelpResult
{
    Ok,
    NotFound,
    Forbidden,
    Invalid,
    Conflict,
}

public sealed record HelpOutcome(HelpResult Result, HelpRequestView? Request = null, string? Detail = null)
{
    public static HelpOutcome NotFound(string detail = "No such help request in your accounts.") => new(HelpResult.NotFound, Detail: detail);

    public static HelpOutcome Invalid(string detail) => new(HelpResult.Invalid, Detail: detail);

    public static HelpOutcome Closed() => new(HelpResult.Conflict, Detail: "This help request is already closed.");
}

/// <summary>
/// Help requests: an advisor who sees a conversation asks; the supervisors who help them (<see cref="HelpRules.CanHelp"/>)
/// list, answer, join, whisper, take over or close (HelpRequests.Actions.cs). Every change is announced to the account's
/// consoles (<see cref="HelpRequestChanged"/>), and what is said goes into internal notes, never messages.
/// </summary>
public sealed partial class HelpRequests(
    IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationEventHub hub, ConversationNotes notes, ConversationActions actions, TimeProvider clock)
{
    public async Task<HelpOutcome> AskAsync(AdvisorSession advisor, long conversationId, string note, CancellationToken ct)
    {
        note = note.Trim();
        if (HelpRules.TextProblem(note, "The note") is { } problem)
        {
            return HelpOutcome.Invalid(problem);
        }

        long id;
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
                .Select(c => new { c.AccountId, c.Status }).FirstOrDefaultAsync(ct);
            if (conversation is null || !advisor.CanAccess(conversation.AccountId))
            {
                return HelpOutcome.NotFound("No such conversation in your accounts.");
            }

            if (conversation.Status == ConversationStatus.Resolved)
            {
                return HelpOutcome.Invalid("This conversation is resolved: reopen it before asking for help.");
            }

            var request = new HelpRequest
            {
                ConversationId = conversationId, AccountId = conversation.AccountId, RequesterId = advisor.Id, Note = note, Status = HelpStatus.Open,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.HelpRequests.Add(request);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                return new HelpOutcome(HelpResult.Conflict, Detail: "You already asked for help on this conversation: close that request first.");
            }

            id = request.Id;
            hub.Publish(new HelpRequestChanged(conversation.AccountId, conversationId, id));
        }

        return new HelpOutcome(HelpResult.Ok, await ViewAsync(id, ct));
    }

    /// <summary>The requests not yet closed that the advisor helps on, oldest first (the longest waiting on top).</summary>
    public async Task<IReadOnlyList<HelpRequestView>> PendingAsync(AdvisorSession advisor, CancellationToken ct)
    {
        var accounts = advisor.AccountIds.Where(advisor.CanSuperviseAccount).ToList();
        if (accounts.Count == 0)
        {
            return [];
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var pending = (await Views(db, db.HelpRequests.Where(r => r.Status != HelpStatus.Closed && accounts.Contains(r.AccountId))
            .OrderBy(r => r.Id).Take(200)).ToListAsync(ct)).OrderBy(r => r.Id).ToList();
        var teams = await TeamsAsync(db, pending.Select(r => r.RequesterId).Append(advisor.Id), ct);
        return pending.Where(r => HelpRules.CanHelp(advisor, r.AccountId, teams.Of(r.RequesterId, r.AccountId), teams.Of(advisor.Id, r.AccountId))).ToList();
    }

    /// <summary>
    /// What the advisor sees of help on one conversation: their own latest request (in any state), then those not yet
    /// closed that they help on. Empty when the conversation is not in their accounts.
    /// </summary>
    /// <summary>The conversation's requests the advisor may see; null when the conversation is not in their accounts.</summary>
    public async Task<IReadOnlyList<HelpRequestView>?> OnConversationAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var accounts = advisor.AccountIds.ToList();
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId && accounts.Contains(c.AccountId), ct))
        {
            return null;
        }

        var requests = (await Views(db, db.HelpRequests.Where(r => r.ConversationId == conversationId && accounts.Contains(r.AccountId)
                && (r.Status != HelpStatus.Closed || r.RequesterId == advisor.Id)).OrderByDescending(r => r.Id).Take(50))
            .ToListAsync(ct)).OrderByDescending(r => r.Id).ToList();
        var own = requests.FirstOrDefault(r => r.RequesterId == advisor.Id);
        var teams = await TeamsAsync(db, requests.Select(r => r.RequesterId).Append(advisor.Id), ct);
        var helped = requests.Where(r => r.RequesterId != advisor.Id && r.Status != HelpStatus.Closed
            && HelpRules.CanHelp(advisor, r.AccountId, teams.Of(r.RequesterId, r.AccountId), teams.Of(advisor.Id, r.AccountId)));
        return (own is null ? helped : helped.Prepend(own)).ToList();
    }

    private async Task<HelpRequestView?> ViewAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await Views(db, db.HelpRequests.Where(r => r.Id == id)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The requests as shown, with names; ordered and limited by the caller before (a projection cannot be ordered after).</summary>
    private static IQueryable<HelpRequestView> Views(ParleyDb db, IQueryable<HelpRequest> requests) =>
        from r in requests
        join requester in db.Advisors on r.RequesterId equals requester.Id
        join conversation in db.Conversations on r.ConversationId equals conversation.Id
        join contact in db.Contacts on conversation.ContactId equals contact.Id
        select new HelpRequestView(
            r.Id, r.ConversationId, r.AccountId, r.RequesterId, requester.DisplayName, contact.Name, r.Note, r.Status, r.CreatedAt,
            db.Advisors.Where(a => a.Id == r.AnsweredById).Select(a => a.DisplayName).FirstOrDefault(),
            db.Advisors.Where(a => a.Id == r.JoinedById).Select(a => a.DisplayName).FirstOrDefault(),
            db.Advisors.Where(a => a.Id == r.ClosedById).Select(a => a.DisplayName).FirstOrDefault(),
            r.TakenOver);

    /// <summary>The teams of some advisors, each with its account.</summary>
    private static async Task<TeamMemberships> TeamsAsync(ParleyDb db, IEnumerable<long> advisorIds, CancellationToken ct)
    {
        var ids = advisorIds.Distinct().ToList();
        var rows = await db.AdvisorTeams.Where(m => ids.Contains(m.AdvisorId))
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { m.AdvisorId, t.AccountId, m.TeamId })
            .ToListAsync(ct);
        return new TeamMemberships(rows.ToLookup(r => (r.AdvisorId, r.AccountId), r => r.TeamId));
    }

    private sealed record TeamMemberships(ILookup<(long AdvisorId, long AccountId), long> Teams)
    {
        public List<long> Of(long advisorId, long accountId) => Teams[(advisorId, accountId)].ToList();
    }
}
