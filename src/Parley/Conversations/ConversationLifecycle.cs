namespace Parley.Conversations;

/// <summary>
/// The one place a conversation's status changes, with the fields that go with each change (queue, assignee, times,
/// the bot's state). Pure: callers record reporting events, publish and save. A change the table does not allow is a
/// bug in the caller, and throws.
/// </summary>
public static class ConversationLifecycle
{
    private static readonly Dictionary<ConversationStatus, ConversationStatus[]> Allowed = new()
    {
        // The bot hands over to a queue, a human takes over, or the case is closed.
        [ConversationStatus.WithBot] = [ConversationStatus.Queued, ConversationStatus.Assigned, ConversationStatus.Resolved],
        // Queued, assigned or waiting, an advisor may also hand the conversation back to the bot.
        [ConversationStatus.Queued] = [ConversationStatus.Queued, ConversationStatus.Assigned, ConversationStatus.Resolved, ConversationStatus.WithBot],
        // An advisor replies (waiting for the customer), a supervisor takes over, the case is closed or goes back to a queue.
        [ConversationStatus.Assigned] = [ConversationStatus.Assigned, ConversationStatus.WaitingForCustomer, ConversationStatus.Queued, ConversationStatus.Resolved, ConversationStatus.WithBot],
        [ConversationStatus.WaitingForCustomer] = [ConversationStatus.Assigned, ConversationStatus.WaitingForCustomer, ConversationStatus.Queued, ConversationStatus.Resolved, ConversationStatus.WithBot],
        // The customer writes again (back to its queue, or to the bot), or an advisor picks the case up again.
        [ConversationStatus.Resolved] = [ConversationStatus.Queued, ConversationStatus.WithBot, ConversationStatus.Assigned, ConversationStatus.WaitingForCustomer],
    };

    public static bool CanMove(ConversationStatus from, ConversationStatus to) => Allowed[from].Contains(to);

    /// <summary>The bot hands over, or a resolved conversation goes back to the queue it was in.</summary>
    public static void Queue(Conversation conversation, long queueId, DateTime now)
    {
        Move(conversation, ConversationStatus.Queued);
        conversation.QueueId = queueId;
        conversation.AssigneeId = null;
        conversation.BotState = null;
        conversation.QueuedAt = now;
        conversation.ResolvedAt = null;
    }

    /// <summary>An advisor gets the conversation (routing, a take-over, a reply to an unassigned one).</summary>
    public static void Assign(Conversation conversation, long advisorId, DateTime now)
    {
        Move(conversation, ConversationStatus.Assigned);
        conversation.AssigneeId = advisorId;
        conversation.AssignedAt = now;
        conversation.BotState = null;
        conversation.ResolvedAt = null;
    }

    /// <summary>The advisor replied: the next move is the customer's.</summary>
    public static void AwaitCustomer(Conversation conversation) => Move(conversation, ConversationStatus.WaitingForCustomer);

    /// <summary>The customer answered the advisor.</summary>
    public static void CustomerAnswered(Conversation conversation) => Move(conversation, ConversationStatus.Assigned);

    public static void Resolve(Conversation conversation, DateTime now)
    {
        Move(conversation, ConversationStatus.Resolved);
        conversation.ResolvedAt = now;
        conversation.BotState = null;
    }

    /// <summary>An advisor hands the conversation back to the bot: it leaves its queue and its advisor.</summary>
    public static void HandBack(Conversation conversation)
    {
        Move(conversation, ConversationStatus.WithBot);
        conversation.QueueId = null;
        conversation.AssigneeId = null;
        conversation.QueuedAt = null;
    }

    /// <summary>A resolved conversation that never reached a queue goes back to the bot, which starts over.</summary>
    public static void BackToBot(Conversation conversation)
    {
        Move(conversation, ConversationStatus.WithBot);
        conversation.ResolvedAt = null;
    }

    private static void Move(Conversation conversation, ConversationStatus to)
    {
        if (!CanMove(conversation.Status, to))
        {
            throw new InvalidOperationException($"Conversation {conversation.Id} cannot go from {conversation.Status} to {to}.");
        }

        conversation.Status = to;
    }
}
