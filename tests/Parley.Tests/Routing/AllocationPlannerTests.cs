using Parley.Routing;

namespace Parley.Tests.Routing;

public sealed class AllocationPlannerTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc);

    private static AvailableAdvisor Advisor(long id, int capacity, int load, params long[] queues) => new(id, queues.ToHashSet(), capacity, load);

    [Fact]
    public void Longest_waiting_is_served_first_when_there_is_room_for_one()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0.AddMinutes(5)),
            new WaitingConversation(2, 7, 0, T0),
            new WaitingConversation(3, 7, 0, T0.AddMinutes(2)),
        };

        var plan = AllocationPlanner.Plan(waiting, [Advisor(100, capacity: 1, load: 0, 7)]);

        Assert.Equal([new Allocation(2, 100)], plan);
    }

    [Fact]
    public void Higher_priority_goes_before_longer_waiting()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0),
            new WaitingConversation(2, 7, 1, T0.AddMinutes(10)),
        };

        var plan = AllocationPlanner.Plan(waiting, [Advisor(100, capacity: 1, load: 0, 7)]);

        Assert.Equal(2, Assert.Single(plan).ConversationId);
    }

    [Fact]
    public void No_advisor_gets_more_than_their_capacity()
    {
        var waiting = Enumerable.Range(1, 10).Select(i => new WaitingConversation(i, 7, 0, T0.AddSeconds(i))).ToList();

        var plan = AllocationPlanner.Plan(waiting, [Advisor(100, capacity: 3, load: 1, 7), Advisor(200, capacity: 2, load: 0, 7)]);

        Assert.Equal(4, plan.Count);
        Assert.Equal(2, plan.Count(a => a.AdvisorId == 100));
        Assert.Equal(2, plan.Count(a => a.AdvisorId == 200));
        Assert.Equal([1L, 2, 3, 4], plan.Select(a => a.ConversationId).Order());
    }

    [Fact]
    public void The_least_loaded_advisor_of_the_queue_gets_the_conversation()
    {
        var plan = AllocationPlanner.Plan(
            [new WaitingConversation(1, 7, 0, T0)],
            [Advisor(100, capacity: 4, load: 2, 7), Advisor(200, capacity: 4, load: 1, 7)]);

        Assert.Equal(new Allocation(1, 200), Assert.Single(plan));
    }

    [Fact]
    public void Only_advisors_of_the_conversations_queue_are_considered()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0),
            new WaitingConversation(2, 8, 0, T0.AddMinutes(1)),
        };

        var plan = AllocationPlanner.Plan(waiting, [Advisor(100, capacity: 5, load: 0, 8)]);

        Assert.Equal(new Allocation(2, 100), Assert.Single(plan));
    }

    [Fact]
    public void Full_advisors_get_nothing()
    {
        var plan = AllocationPlanner.Plan([new WaitingConversation(1, 7, 0, T0)], [Advisor(100, capacity: 2, load: 2, 7)]);

        Assert.Empty(plan);
    }
}
