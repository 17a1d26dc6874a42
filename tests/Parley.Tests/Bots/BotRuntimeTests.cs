using Parley.Bots;
using Parley.Channels;
using Parley.Conversations;

namespace Parley.Tests.Bots;

public sealed class BotRuntimeTests
{
    private static readonly InboxSettings Settings = new()
    {
        BotName = "Test bot",
        Greeting = "Hello! What is your question about?",
        Topics = [new Topic("parcels", "Parcels", "Track a parcel", 10), new Topic("bank", "Bank", null, 20)],
        DefaultQueueId = 99,
    };

    [Fact]
    public void Start_greets_with_a_list_picker_of_the_topics()
    {
        var turn = BotRuntime.Start(Settings);

        var message = Assert.Single(turn.Messages);
        Assert.Equal(ContentType.ListPicker, message.ContentType);
        Assert.Equal(Settings.Greeting, message.Text);
        Assert.Equal(["parcels", "bank"], message.Options!.Select(o => o.Id));
        Assert.Equal("Track a parcel", message.Options![0].Description);
        Assert.Equal(BotRuntime.AwaitingTopic, turn.NextState);
        Assert.Null(turn.HandoffQueueId);
    }

    [Fact]
    public void Without_topics_the_bot_greets_and_hands_over_to_the_default_queue()
    {
        var turn = BotRuntime.Start(Settings with { Topics = [] });

        Assert.Equal(ContentType.Text, Assert.Single(turn.Messages).ContentType);
        Assert.Equal(99, turn.HandoffQueueId);
        Assert.Null(turn.NextState);
    }

    [Fact]
    public void Picking_an_option_hands_over_to_its_queue()
    {
        var turn = BotRuntime.OnCustomerMessage(BotRuntime.AwaitingTopic, "Bank", "bank", Settings);

        Assert.Empty(turn.Messages);
        Assert.Equal(20, turn.HandoffQueueId);
        Assert.Equal("Bank", turn.Topic);
        Assert.Null(turn.NextState);
    }

    [Theory]
    [InlineData("parcels", 10L)]
    [InlineData("  BANK ", 20L)]
    [InlineData("I have a question about my Parcels delivery", 10L)]
    public void Typing_a_topic_title_hands_over_to_its_queue(string text, long queue)
    {
        var turn = BotRuntime.OnCustomerMessage(BotRuntime.AwaitingTopic, text, null, Settings);

        Assert.Equal(queue, turn.HandoffQueueId);
    }

    [Fact]
    public void An_unknown_option_id_is_not_a_topic()
    {
        var turn = BotRuntime.OnCustomerMessage(BotRuntime.AwaitingTopic, "Parcels", "no-such-topic", Settings);

        Assert.Null(turn.HandoffQueueId);
        Assert.Equal($"{BotRuntime.AwaitingTopic}:1", turn.NextState);
    }

    [Theory]
    [InlineData("I want to talk to a human")]
    [InlineData("operatore per favore")]
    public void Asking_for_a_human_goes_to_the_default_queue(string text)
    {
        var turn = BotRuntime.OnCustomerMessage(BotRuntime.AwaitingTopic, text, null, Settings);

        Assert.Equal(99, turn.HandoffQueueId);
        Assert.Empty(turn.Messages);
    }

    [Fact]
    public void Not_understanding_asks_again_then_hands_over_after_two_misunderstandings()
    {
        var first = BotRuntime.OnCustomerMessage(BotRuntime.AwaitingTopic, "blah", null, Settings);
        Assert.Null(first.HandoffQueueId);
        Assert.Equal($"{BotRuntime.AwaitingTopic}:1", first.NextState);
        Assert.Equal(ContentType.ListPicker, Assert.Single(first.Messages).ContentType);
        Assert.StartsWith("Sorry", first.Messages[0].Text, StringComparison.Ordinal);

        var second = BotRuntime.OnCustomerMessage(first.NextState, "blah", null, Settings);
        Assert.Null(second.HandoffQueueId);
        Assert.Equal($"{BotRuntime.AwaitingTopic}:2", second.NextState);

        var third = BotRuntime.OnCustomerMessage(second.NextState, "blah", null, Settings);
        Assert.Equal(99, third.HandoffQueueId);
        Assert.Null(third.NextState);
        Assert.Contains("advisor", Assert.Single(third.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_default_queue_the_bot_keeps_asking()
    {
        var settings = Settings with { DefaultQueueId = null };

        var turn = BotRuntime.OnCustomerMessage($"{BotRuntime.AwaitingTopic}:2", "human please", null, settings);

        Assert.Null(turn.HandoffQueueId);
        Assert.Equal($"{BotRuntime.AwaitingTopic}:3", turn.NextState);
    }

    [Fact]
    public void A_message_outside_the_flow_restarts_it()
    {
        var turn = BotRuntime.OnCustomerMessage(null, "hello again", null, Settings);

        Assert.Equal(BotRuntime.AwaitingTopic, turn.NextState);
        Assert.Equal(Settings.Greeting, Assert.Single(turn.Messages).Text);
    }

    [Fact]
    public void Handoff_notice_when_closed_says_when_advisors_are_back()
    {
        var notice = BotRuntime.HandoffNotice(new QueueOutlook(false, false, 3, "tomorrow at 08:00", 10), "Parcels");

        Assert.Contains("about Parcels", notice.Text, StringComparison.Ordinal);
        Assert.Contains("away", notice.Text, StringComparison.Ordinal);
        Assert.Contains("from tomorrow at 08:00", notice.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("number", notice.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("window", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Handoff_notice_says_where_the_reply_will_come_only_in_the_channels_words()
    {
        var website = BotRuntime.HandoffNotice(new QueueOutlook(true, false, 2, null, 10), null, "You can close this window: the reply will be here.");
        var messenger = BotRuntime.HandoffNotice(new QueueOutlook(true, false, 2, null, 10), null);

        Assert.EndsWith("minutes. You can close this window: the reply will be here.", website.Text, StringComparison.Ordinal);
        Assert.EndsWith("minutes.", messenger.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Handoff_notice_when_busy_gives_the_position_and_expected_wait()
    {
        var notice = BotRuntime.HandoffNotice(new QueueOutlook(true, false, 4, null, 12), null);

        Assert.Contains("number 4 in the queue", notice.Text, StringComparison.Ordinal);
        Assert.Contains("about 12 minutes", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Handoff_notice_when_an_advisor_is_free_promises_one_in_a_moment()
    {
        var notice = BotRuntime.HandoffNotice(new QueueOutlook(true, true, 0, null, 5), "Bank");

        Assert.Equal("Thank you. I'm passing you to an advisor about Bank; they will be with you in a moment.", notice.Text);
    }
}
