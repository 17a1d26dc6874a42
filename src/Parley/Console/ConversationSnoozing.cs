using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Console;

public enum SnoozeOutcome
{
    Done,
    NotFound,
    Forbidden,
    Invalid,
}

/// <summary>Until when; none means until the customer writes.</summary>
public sealed record SnoozeInput(DateTimeOffset? Until);

/// <summary>
/// Snoozing a conversation out of the way until a time or the customer's reply (<see cref="Snooze"/> says when it is),
/// by its assignee or a supervisor of its account. Its status, queue and assignee stay as they are.
/// </summary>
public sealed class ConversationSnoozing(IDbContextFactory<ParleyDb> dbs, WriteGate gate, ConversationEventHub hub, TimeProvider clock)
{
    public static readonly TimeSpan LongestSnooze = TimeSpan.FromDays(365);

    public Task<SnoozeOutcome> SnoozeAsync(AdvisorSession advisor, long conversationId, DateTime? until, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return until is { } end && (end <= now || end - now > LongestSnooze)
            ? Task.FromResult(SnoozeOutcome.Invalid)
            : SetAsync(advisor, conversationId, now, until, ct);
    }

    public Task<SnoozeOutcome> UnsnoozeAsync(AdvisorSession advisor, long conversationId, CancellationToken ct) =>
        SetAsync(advisor, conversationId, null, null, ct);

    /// <summary>Until when the conversation is snoozed now (<see cref="DateTime.MaxValue"/>: until the customer writes); null when it is not.</summary>
    public async Task<DateTime?> SnoozedUntilAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        return conversation is not null && advisor.CanAccess(conversation.AccountId) && Snooze.IsSnoozedAt(conversation, clock.GetUtcNow().UtcDateTime)
            ? conversation.SnoozedUntil ?? DateTime.MaxValue
            : null;
    }

    public static bool CanSnooze(AdvisorSession advisor, Conversation conversation) =>
        conversation.Status != ConversationStatus.Resolved && (conversation.AssigneeId == advisor.Id || advisor.CanSuperviseAccount(conversation.AccountId));

    private async Task<SnoozeOutcome> SetAsync(AdvisorSession advisor, long conversationId, DateTime? at, DateTime? until, CancellationToken ct)
    {
        Conversation? conversation;
        using (var pass = await gate.EnterAsync(ct))
        {
            await using var db = await pass.CreateDbContextAsync(dbs, ct);
            conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
            if (conversation is null || !advisor.CanAccess(conversation.AccountId))
            {
                return SnoozeOutcome.NotFound;
            }

            if (!CanSnooze(advisor, conversation))
            {
                return SnoozeOutcome.Forbidden;
            }

            // Only the two snooze columns: the engine's writers never change them, so no version is needed to keep theirs.
            await db.Conversations.Where(c => c.Id == conversationId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SnoozedAt, at).SetProperty(c => c.SnoozedUntil, until), ct);
        }

        hub.Publish(ConversationWriter.Changed(conversation));
        return SnoozeOutcome.Done;
    }
}

/// <summary>POST and DELETE /api/console/conversations/{id}/snooze.</summary>
public static class SnoozeApi
{
    public static IEndpointRouteBuilder MapSnoozeApi(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/api/console/conversations/{id:long}/snooze").WithTags("Console").ExcludeFromDescription();
        console.MapPost("/", (long id, SnoozeInput input, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationSnoozing snoozing, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => snoozing.SnoozeAsync(advisor, id, input.Until?.UtcDateTime, ct), ct));
        console.MapDelete("/", (long id, HttpContext http, IDbContextFactory<ParleyDb> dbs, ConversationSnoozing snoozing, CancellationToken ct) =>
            RunAsync(http, dbs, advisor => snoozing.UnsnoozeAsync(advisor, id, ct), ct));
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RunAsync(
        HttpContext http, IDbContextFactory<ParleyDb> dbs, Func<AdvisorSession, Task<SnoozeOutcome>> action, CancellationToken ct)
    {
        if (await ConsoleCaller.SessionAsync(http, dbs, ct) is not { } advisor)
        {
            return ConsoleCaller.NotSignedIn();
        }

        return await action(advisor) switch
        {
            SnoozeOutcome.Done => TypedResults.NoContent(),
            SnoozeOutcome.Forbidden => ConsoleCaller.Forbidden("Only the assigned advisor or a supervisor snoozes an open conversation."),
            SnoozeOutcome.Invalid => ConsoleProblems.Invalid($"A snooze ends in the future, within {LongestDays} days."),
            _ => ConsoleProblems.NotFound("No such conversation in your accounts."),
        };
    }

    private static int LongestDays => (int)ConversationSnoozing.LongestSnooze.TotalDays;
}
