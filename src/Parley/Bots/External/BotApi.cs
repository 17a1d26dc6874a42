using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Bots.External;

public sealed record BotOption(string Id, string Title, string? Description = null);

/// <summary>A message from the external bot: text, and options shown as quick replies (or a list, <see cref="List"/>).</summary>
public sealed record BotSend(string Text, IReadOnlyList<BotOption>? Options = null, bool List = false);

/// <summary>The external bot hands over: to a queue by name (the inbox's default when none), with a reason the advisor sees.</summary>
public sealed record BotHandoff(string? Queue = null, string? Reason = null, int Priority = 0);

public sealed record BotMessageView(long Id, long Seq, string AuthorKind, string? AuthorName, string? Text, string? ReplyTo, DateTime CreatedAt);

public sealed record BotSent(long ConversationId, int Messages);

/// <summary>
/// /api/bot/v1: what an external bot does in a conversation Parley passed it, with an API token of the conversation's
/// account (<c>Authorization: Bearer ...</c>): read the conversation, answer, hand over to a human, resolve.
/// </summary>
public static class BotApi
{
    public const int MaxText = 4000;

    public static IEndpointRouteBuilder MapBotApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bot/v1/conversations/{id:long}").WithTags("Bot API").AddEndpointFilter<BotTokenFilter>();
        group.MapGet("/messages", ReadAsync).WithSummary("The conversation's messages after a sequence number.");
        group.MapPost("/messages", SendAsync).WithSummary("Sends the bot's message to the customer.");
        group.MapPost("/handoff", HandoffAsync).WithSummary("Hands the conversation to a human, in a queue, with a reason.");
        group.MapPost("/resolve", ResolveAsync).WithSummary("Resolves the conversation.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<BotMessageView>>, ProblemHttpResult>> ReadAsync(
        long id, long? after, HttpContext http, IDbContextFactory<ParleyDb> dbs, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var account = BotTokenFilter.Account(http);
        if (!await db.Conversations.AnyAsync(c => c.Id == id && c.AccountId == account, ct))
        {
            return NotFound();
        }

        var from = after ?? 0;
        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id && m.Seq > from).OrderBy(m => m.Seq).Take(200)
            .Select(m => new BotMessageView(m.Id, m.Seq, m.AuthorKind.ToString(), m.AuthorName, m.Text, m.ReplyTo, m.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<BotMessageView>>(messages);
    }

    private static Task<Results<Ok<BotSent>, ProblemHttpResult>> SendAsync(long id, BotSend send, HttpContext http, ConversationEngine engine, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(send.Text) || send.Text.Length > MaxText || send.Options?.Count > 20
            || send.Options?.Any(o => string.IsNullOrWhiteSpace(o.Id) || string.IsNullOrWhiteSpace(o.Title) || o.Id.Length > 200 || o.Title.Length > 80) == true)
        {
            return Task.FromResult<Results<Ok<BotSent>, ProblemHttpResult>>(TypedResults.Problem(
                $"A message has a text of 1 to {MaxText} characters and up to 20 options, each with an id (up to 200) and a title (up to 80).",
                statusCode: StatusCodes.Status400BadRequest));
        }

        var options = send.Options?.Select(o => new MessageOption(o.Id, o.Title, o.Description)).ToList();
        var kind = options is null ? ContentType.Text : send.List ? ContentType.ListPicker : ContentType.QuickReplies;
        return ActAsync(id, http, engine, _ => new BotTurn([new BotMessage(kind, send.Text, options)], ExternalBots.State, null), ct);
    }

    private static Task<Results<Ok<BotSent>, ProblemHttpResult>> HandoffAsync(long id, BotHandoff handoff, HttpContext http, ConversationEngine engine, CancellationToken ct) =>
        ActAsync(id, http, engine, queueId => new BotTurn([], null, queueId)
        {
            HandoffReason = string.IsNullOrWhiteSpace(handoff.Reason) ? "The external bot handed over." : handoff.Reason.Trim()[..Math.Min(handoff.Reason.Trim().Length, 500)],
            Priority = Math.Clamp(handoff.Priority, 0, 10),
        }, ct, handoff.Queue ?? string.Empty);

    private static Task<Results<Ok<BotSent>, ProblemHttpResult>> ResolveAsync(long id, HttpContext http, ConversationEngine engine, CancellationToken ct) =>
        ActAsync(id, http, engine, _ => new BotTurn([], null, null) { Resolve = true }, ct);

    /// <summary>
    /// A bot turn in the conversation, when it is the token's account's and still with the external bot.
    /// <paramref name="queue"/> (for a handoff) is resolved in the conversation's account: "" is the inbox's default.
    /// </summary>
    private static async Task<Results<Ok<BotSent>, ProblemHttpResult>> ActAsync(
        long id, HttpContext http, ConversationEngine engine, Func<long?, BotTurn> turn, CancellationToken ct, string? queue = null)
    {
        var account = BotTokenFilter.Account(http);
        ProblemHttpResult? refused = null;
        BotTurn? done = null;
        await engine.ContinueBotAsync(id, async (db, conversation, settings, token) =>
        {
            if (conversation.AccountId != account)
            {
                refused = NotFound();
                return null;
            }

            if (conversation.Status != ConversationStatus.WithBot || !ExternalBots.Holds(conversation.BotState))
            {
                refused = TypedResults.Problem("The conversation is not with the bot any more (a human or the flow has it).", statusCode: StatusCodes.Status409Conflict);
                return null;
            }

            long? queueId = null;
            if (queue is not null)
            {
                queueId = queue.Length == 0
                    ? settings.DefaultQueueId ?? await db.Queues.Where(q => q.AccountId == account).OrderBy(q => q.Id).Select(q => (long?)q.Id).FirstOrDefaultAsync(token)
                    : await db.Queues.Where(q => q.AccountId == account && q.Name == queue).Select(q => (long?)q.Id).FirstOrDefaultAsync(token);
                if (queueId is null)
                {
                    refused = TypedResults.Problem($"There is no queue called '{queue}' in this account.", statusCode: StatusCodes.Status400BadRequest);
                    return null;
                }
            }

            done = turn(queueId);
            return done;
        }, ct, missing: () => refused = NotFound());
        return refused ?? (Results<Ok<BotSent>, ProblemHttpResult>)TypedResults.Ok(new BotSent(id, done!.Messages.Count));
    }

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem("No such conversation in this token's account.", statusCode: StatusCodes.Status404NotFound);
}
