using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>Why a conversation went to whom, in words, for the console's conversation header.</summary>
public static class AssignmentReasonText
{
    public static string Describe(AssignmentReason reason, IReadOnlyDictionary<long, string> skillNames, string? byName)
    {
        var needs = reason.Needs is { Count: > 0 } list
            ? string.Join(", ", list.Select(n => $"{skillNames.GetValueOrDefault(n.SkillId, "a removed skill")} ≥ {n.MinLevel}"))
            : null;
        var waited = Waited(reason.WaitedSeconds);
        var text = reason.Rule switch
        {
            AssignmentRule.Sticky => $"Back to the advisor who last helped this customer, after {waited} waiting.",
            AssignmentRule.Relaxed => $"Routed after {waited} waiting; {reason.RelaxedSteps} relaxation step{(reason.RelaxedSteps == 1 ? "" : "s")} applied"
                + (needs is null ? ": no skill required any more." : $", then required {needs}."),
            AssignmentRule.Skills => $"Routed to the least loaded advisor with room after {waited} waiting" + (needs is null ? "." : $", requiring {needs}."),
            AssignmentRule.Transfer => $"Transferred by {byName ?? "a colleague"}.",
            AssignmentRule.Requeued => "Back in the queue: its advisor was not available.",
            _ => string.Empty,
        };
        // A transfer's note stays with the conversation when routing gives it to someone later.
        return reason.Note is { } note && reason.Rule != AssignmentRule.Requeued
            ? $"{text} Note{(reason.Rule == AssignmentRule.Transfer ? string.Empty : $" from {byName ?? "a colleague"}")}: {note}"
            : reason.Rule == AssignmentRule.Requeued && reason.Note is { } why ? $"{text} ({why.TrimEnd('.')})" : text;
    }

    private static string Waited(double seconds) => seconds < 90
        ? $"{Math.Round(seconds).ToString(CultureInfo.InvariantCulture)} s"
        : $"{Math.Round(seconds / 60).ToString(CultureInfo.InvariantCulture)} min";

    /// <summary>The reason of a conversation of the advisor's accounts, in words; null when there is none to show.</summary>
    public static async Task<string?> ReadAsync(ParleyDb db, AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        var row = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.AccountId, c.AssignmentReason }).FirstOrDefaultAsync(ct);
        if (row is null || !advisor.CanAccess(row.AccountId) || AssignmentReason.Parse(row.AssignmentReason) is not { } reason)
        {
            return null;
        }

        var skillIds = reason.Needs?.Select(n => n.SkillId).ToList() ?? [];
        var names = skillIds.Count == 0
            ? []
            : await db.Skills.AsNoTracking().Where(s => skillIds.Contains(s.Id) && s.AccountId == row.AccountId).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var by = reason.ByAdvisorId is { } id
            ? await db.Advisors.AsNoTracking().Where(a => a.Id == id).Select(a => a.DisplayName).FirstOrDefaultAsync(ct)
            : null;
        return Describe(reason, names, by);
    }
}
