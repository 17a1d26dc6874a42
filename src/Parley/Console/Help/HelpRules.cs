using Parley.Identity;

namespace Parley.Console.Help;

/// <summary>
/// Who helps on a request, and the trace it leaves. Supervisors and admins of the conversation's account help; when the
/// account uses teams, a supervisor helps the advisors of their own teams: a supervisor who shares no team with a
/// requester in teams does not see that request. A requester in no team, or a supervisor in no team of the account
/// (who watches the whole floor), is everyone's; admins see every request of their accounts.
/// </summary>
public static class HelpRules
{
    public const int MaxNoteLength = 1000;

    /// <param name="requesterTeams">The requester's teams within the request's account.</param>
    /// <param name="helperTeams">The would-be helper's teams within the request's account.</param>
    public static bool CanHelp(AdvisorSession helper, long accountId, IReadOnlyCollection<long> requesterTeams, IReadOnlyCollection<long> helperTeams) =>
        helper.CanSuperviseAccount(accountId)
        && (helper.Role == AdvisorRole.Admin || requesterTeams.Count == 0 || helperTeams.Count == 0 || requesterTeams.Intersect(helperTeams).Any());

    /// <summary>Null when the text (the request's note, an answer, a whisper) is fine, else why not.</summary>
    public static string? TextProblem(string text, string field) =>
        text.Length is 0 or > MaxNoteLength
            ? $"{field} has 1 to {MaxNoteLength} characters."
            : Hosting.InputText.Problem(text, field, multiline: true);

    /// <summary>The internal note a closed request leaves in its conversation.</summary>
    public static string Trace(string requester, string note, string? answeredBy, string closedBy, bool takenOver)
    {
        var answered = answeredBy is null ? "" : $"answered by {answeredBy}; ";
        var closed = takenOver ? $"taken over by {closedBy}" : $"closed by {closedBy}";
        return $"Help requested by {requester}: {note} — {answered}{closed}.";
    }
}
