using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Routing;

/// <summary>Where a person sends a conversation: to one advisor, or to a queue (exactly one of them), with a note.</summary>
public sealed record TransferRequest(long? AdvisorId, long? QueueId, string? Note);

public enum TransferResult
{
    Done,
    NotFound,
    Forbidden,
    Invalid,
}

public sealed record TransferOutcome(TransferResult Result, string? Detail = null)
{
    public static readonly TransferOutcome Done = new(TransferResult.Done);
    public static readonly TransferOutcome NotFound = new(TransferResult.NotFound, "Conversation not found.");

    public bool Ok => Result == TransferResult.Done;
}

/// <summary>
/// Manual assignment and transfer. An advisor transfers a conversation assigned to them; a supervisor or an admin any
/// conversation of their accounts. The target is an advisor of the conversation's account (not limited by capacity, as
/// a take-over is not) or a queue of that account; the note is kept in the assignment reason (shown in the header, and
/// carried to whoever routing gives the conversation next) and in the reporting event.
/// </summary>
public static class Transfers
{
    public const int MaxNoteLength = 1000;

    public static async Task<TransferOutcome> ApplyAsync(
        ParleyDb db, ConversationWriter writer, AdvisorSession by, Conversation conversation, TransferRequest request,
        List<ConversationEvent> events, CancellationToken ct)
    {
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        if ((request.AdvisorId is null) == (request.QueueId is null))
        {
            return Invalid("Name exactly one target: an advisor or a queue.");
        }

        if (note is { Length: > MaxNoteLength } || Hosting.InputText.Problem(note, "The note", multiline: true) is not null)
        {
            return Invalid(Hosting.InputText.Problem(note, "The note", multiline: true) ?? $"A note has at most {MaxNoteLength} characters.");
        }

        if (conversation.Status == ConversationStatus.Resolved)
        {
            return Invalid("This conversation is resolved: reopen it before transferring it.");
        }

        if (!by.CanSupervise && conversation.AssigneeId != by.Id)
        {
            return new TransferOutcome(TransferResult.Forbidden, "Only the assigned advisor or a supervisor can transfer this conversation.");
        }

        var reason = new AssignmentReason(AssignmentRule.Transfer, Note: note, ByAdvisorId: by.Id);
        if (request.AdvisorId is { } advisorId)
        {
            var target = await db.Advisors.AsNoTracking()
                .Where(a => a.Id == advisorId && db.AdvisorAccounts.Any(m => m.AdvisorId == a.Id && m.AccountId == conversation.AccountId))
                .FirstOrDefaultAsync(ct);
            if (target is null)
            {
                return Invalid("No such advisor in this conversation's account.");
            }

            await writer.AssignAsync(db, conversation, target, events, ct);
        }
        else
        {
            var queueId = request.QueueId!.Value;
            // Shared until the transfer commits, so the queue's deletion (which refuses a queue with conversations) sees it.
            if (!await QueueLocks.ShareAsync(db, conversation.AccountId, queueId, ct))
            {
                return Invalid("No such queue in this conversation's account.");
            }

            writer.Queue(db, conversation, queueId, events, note is null ? "transfer" : $"transfer: {note}");
        }

        conversation.AssignmentReason = reason.ToJson();
        return TransferOutcome.Done;
    }

    private static TransferOutcome Invalid(string detail) => new(TransferResult.Invalid, detail);
}
