using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;

namespace Parley.Bots;

/// <summary>
/// An advisor hands a conversation back to the bot, at a step of the flow published for its inbox: the conversation
/// leaves its queue and its advisor, and the bot goes on from there (its message is sent at once).
/// </summary>
public sealed class FlowHandBack(IDbContextFactory<ParleyDb> dbs, ConversationEngine engine, FlowBot bot, FlowCatalog catalog)
{
    /// <summary>The steps the conversation can go back to (none when its inbox runs no flow).</summary>
    public async Task<IReadOnlyList<string>> StepsAsync(AdvisorSession advisor, long conversationId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId).Select(c => new { c.AccountId, c.InboxId }).FirstOrDefaultAsync(ct);
        if (conversation is null || !advisor.CanAccess(conversation.AccountId))
        {
            return [];
        }

        var flow = await catalog.PublishedAsync(db, conversation.AccountId, conversation.InboxId, ct);
        return flow is null ? [] : [flow.Document.Start, .. flow.Document.Steps.Select(s => s.Id).Where(id => id != flow.Document.Start)];
    }

    public async Task<ActionOutcome> HandBackAsync(AdvisorSession advisor, long conversationId, string stepId, CancellationToken ct)
    {
        ActionOutcome? refused = null;
        var applied = await engine.ContinueBotAsync(conversationId, async (db, conversation, settings, token) =>
        {
            if (!advisor.CanAccess(conversation.AccountId))
            {
                refused = ActionOutcome.Fail("Conversation not found.");
                return null;
            }

            if (conversation.Status is ConversationStatus.WithBot or ConversationStatus.Resolved)
            {
                refused = ActionOutcome.Fail(conversation.Status == ConversationStatus.WithBot ? "The bot has this conversation already." : "The conversation is resolved.");
                return null;
            }

            if (conversation.AssigneeId is { } assignee && assignee != advisor.Id && !advisor.CanSupervise)
            {
                refused = ActionOutcome.Fail("Only the assigned advisor or a supervisor can hand this conversation back to the bot.");
                return null;
            }

            var turn = await bot.StartAtAsync(db, conversation, settings, stepId, token);
            if (turn is null)
            {
                refused = ActionOutcome.Fail($"The bot's flow has no step '{stepId}'.");
                return null;
            }

            ConversationLifecycle.HandBack(conversation);
            return turn with { Funnel = [new BotFunnelEvent(Analytics.ReportingEventNames.HandedBack, $"{advisor.DisplayName}: {stepId}"), .. turn.Funnel] };
        }, ct, missing: () => refused = ActionOutcome.Fail("Conversation not found."));
        return applied ? ActionOutcome.Success : refused ?? ActionOutcome.Fail("The conversation changed; try again.");
    }
}
