using Parley.Conversations;

namespace Parley.Tests.Conversations;

public sealed class ConversationEventHubTests
{
    [Fact]
    public void Each_entry_leaves_the_map_with_its_last_subscriber()
    {
        var hub = new ConversationEventHub();
        var subscriptions = new List<ConversationEventHub.Subscription>();
        for (var id = 1; id <= 1000; id++)
        {
            subscriptions.Add(hub.SubscribeConversation(id));
            subscriptions.Add(hub.SubscribeConversation(id));
            subscriptions.Add(hub.SubscribeAccount(id % 10));
        }

        Assert.Equal((1000, 10), hub.KeyCount);
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
            subscription.Dispose(); // twice is harmless
        }

        Assert.Equal((0, 0), hub.KeyCount);
    }

    [Fact]
    public void A_subscriber_who_stays_keeps_the_entry_and_its_events()
    {
        var hub = new ConversationEventHub();
        using var stays = hub.SubscribeConversation(7);
        hub.SubscribeConversation(7).Dispose();

        hub.Publish(new ReadUpTo(1, 7, AuthorKind.Advisor, 3));

        Assert.Equal((1, 0), hub.KeyCount);
        Assert.True(stays.Reader.TryRead(out var e));
        Assert.Equal(new ReadUpTo(1, 7, AuthorKind.Advisor, 3), e);
    }

    [Fact]
    public void A_new_subscriber_after_the_last_one_left_gets_events()
    {
        var hub = new ConversationEventHub();
        hub.SubscribeConversation(7).Dispose();
        using var later = hub.SubscribeConversation(7);

        hub.Publish(new ReadUpTo(1, 7, AuthorKind.Advisor, 3));

        Assert.True(later.Reader.TryRead(out _));
    }

    [Fact]
    public void A_subscriber_joining_while_the_last_one_leaves_gets_events()
    {
        var hub = new ConversationEventHub();
        var leaving = hub.SubscribeConversation(7);
        // The joiner has found the set of conversation 7; the last subscriber leaves before it joins.
        hub.BeforeJoin = _ =>
        {
            hub.BeforeJoin = null;
            leaving.Dispose();
        };
        using var joiner = hub.SubscribeConversation(7);

        hub.Publish(new ReadUpTo(1, 7, AuthorKind.Advisor, 3));

        Assert.True(joiner.Reader.TryRead(out _), "The joiner is in a set the hub no longer holds.");
        Assert.Equal((1, 0), hub.KeyCount);
    }

    /// <summary>
    /// For each of many conversations, one subscriber comes and goes while another joins at about the same moment and
    /// stays, with nothing placed in between: the same race as above, left to the scheduler.
    /// </summary>
    [Fact]
    public async Task A_subscribe_and_dispose_storm_never_loses_a_live_subscriber()
    {
        const int Conversations = 10_000;
        var hub = new ConversationEventHub();
        var stayers = new ConversationEventHub.Subscription[Conversations];
        using var barrier = new Barrier(2);
        var leaver = Task.Factory.StartNew(() =>
        {
            for (var id = 1; id <= Conversations; id++)
            {
                barrier.SignalAndWait();
                hub.SubscribeConversation(id).Dispose();
                hub.SubscribeConversation(id).Dispose();
            }
        }, TaskCreationOptions.LongRunning);
        var joiner = Task.Factory.StartNew(() =>
        {
            for (var id = 1; id <= Conversations; id++)
            {
                barrier.SignalAndWait();
                Thread.SpinWait(id % 97);
                stayers[id - 1] = hub.SubscribeConversation(id);
            }
        }, TaskCreationOptions.LongRunning);
        await Task.WhenAll(leaver, joiner);

        for (var id = 1; id <= Conversations; id++)
        {
            hub.Publish(new ReadUpTo(1, id, AuthorKind.Advisor, id));
        }

        var lost = Enumerable.Range(1, Conversations).Where(id => !stayers[id - 1].Reader.TryRead(out var e) || e is not ReadUpTo { Seq: var seq } || seq != id).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} live subscribers got no event, e.g. conversation {lost.FirstOrDefault()}.");
        Assert.Equal((Conversations, 0), hub.KeyCount);
        foreach (var subscription in stayers)
        {
            subscription.Dispose();
        }

        Assert.Equal((0, 0), hub.KeyCount);
    }
}
