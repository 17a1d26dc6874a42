using Parley.Conversations;

namespace Parley.Tests.Conversations;

public sealed class ConversationLifecycleTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(ConversationStatus.WithBot, ConversationStatus.WaitingForCustomer)]
    [InlineData(ConversationStatus.Queued, ConversationStatus.WaitingForCustomer)]
    [InlineData(ConversationStatus.Resolved, ConversationStatus.Resolved)]
    [InlineData(ConversationStatus.WithBot, ConversationStatus.WithBot)]
    public void Moves_the_table_does_not_allow_throw_and_change_nothing(ConversationStatus from, ConversationStatus to)
    {
        var conversation = new Conversation { Id = 7, Status = from, QueueId = 3 };

        Assert.False(ConversationLifecycle.CanMove(from, to));
        Action move = to switch
        {
            ConversationStatus.WaitingForCustomer => () => ConversationLifecycle.AwaitCustomer(conversation),
            ConversationStatus.WithBot => () => ConversationLifecycle.BackToBot(conversation),
            _ => () => ConversationLifecycle.Resolve(conversation, Now),
        };
        var error = Assert.Throws<InvalidOperationException>(move);
        Assert.Contains($"from {from} to {to}", error.Message, StringComparison.Ordinal);
        Assert.Equal(from, conversation.Status);
    }

    [Theory]
    [InlineData(ConversationStatus.Queued)]
    [InlineData(ConversationStatus.Assigned)]
    [InlineData(ConversationStatus.WaitingForCustomer)]
    public void An_advisor_hands_back_to_the_bot_from_a_queue_or_an_advisor_and_the_conversation_leaves_both(ConversationStatus from)
    {
        var conversation = new Conversation { Id = 7, Status = from, QueueId = 3, AssigneeId = 4, QueuedAt = Now };

        ConversationLifecycle.HandBack(conversation);

        Assert.Equal((ConversationStatus.WithBot, (long?)null, (long?)null, (DateTime?)null), (conversation.Status, conversation.QueueId, conversation.AssigneeId, conversation.QueuedAt));
        Assert.Throws<InvalidOperationException>(() => ConversationLifecycle.HandBack(conversation));
    }

    [Fact]
    public void A_handoff_queues_and_clears_the_bot_and_any_assignee()
    {
        var conversation = new Conversation { Status = ConversationStatus.WithBot, BotState = "awaiting-topic", AssigneeId = 4 };

        ConversationLifecycle.Queue(conversation, 2, Now);

        Assert.Equal((ConversationStatus.Queued, 2L, (long?)null, (string?)null, (DateTime?)Now),
            (conversation.Status, conversation.QueueId!.Value, conversation.AssigneeId, conversation.BotState, conversation.QueuedAt));
    }

    [Fact]
    public void A_resolved_conversation_reopens_into_its_queue_or_to_the_bot_and_forgets_it_was_resolved()
    {
        var queued = new Conversation { Status = ConversationStatus.Resolved, ResolvedAt = Now, QueueId = 2 };
        var withBot = new Conversation { Status = ConversationStatus.Resolved, ResolvedAt = Now };

        ConversationLifecycle.Queue(queued, 2, Now.AddDays(1));
        ConversationLifecycle.BackToBot(withBot);

        Assert.Equal((ConversationStatus.Queued, (DateTime?)null), (queued.Status, queued.ResolvedAt));
        Assert.Equal((ConversationStatus.WithBot, (DateTime?)null), (withBot.Status, withBot.ResolvedAt));
    }

    [Fact]
    public void An_advisor_replies_the_customer_answers_and_the_case_is_resolved()
    {
        var conversation = new Conversation { Status = ConversationStatus.Queued, QueueId = 2 };

        ConversationLifecycle.Assign(conversation, 5, Now);
        Assert.Equal((ConversationStatus.Assigned, (long?)5, (DateTime?)Now), (conversation.Status, conversation.AssigneeId, conversation.AssignedAt));
        ConversationLifecycle.AwaitCustomer(conversation);
        Assert.Equal(ConversationStatus.WaitingForCustomer, conversation.Status);
        ConversationLifecycle.CustomerAnswered(conversation);
        Assert.Equal(ConversationStatus.Assigned, conversation.Status);
        ConversationLifecycle.Resolve(conversation, Now.AddHours(1));
        Assert.Equal((ConversationStatus.Resolved, (DateTime?)Now.AddHours(1)), (conversation.Status, conversation.ResolvedAt));
    }
}
