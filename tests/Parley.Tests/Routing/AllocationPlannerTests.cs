using Parley.Routing;

namespace Parley.Tests.Routing;

public sealed class AllocationPlannerTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 9, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = T0.AddMinutes(20);

    private static AvailableAdvisor Advisor(long id, int capacity, int load, params long[] queues) =>
        new(id, queues.ToHashSet(), new Room(capacity, load), new Room(0, 0));

    private static IReadOnlyList<Allocation> Plan(IEnumerable<WaitingConversation> waiting, IEnumerable<AvailableAdvisor> advisors, PlanningRules? rules = null) =>
        AllocationPlanner.Plan(Now, waiting, advisors, rules);

    private static (long, long)[] Pairs(IReadOnlyList<Allocation> plan) => plan.Select(a => (a.ConversationId, a.AdvisorId)).ToArray();

    [Fact]
    public void Longest_waiting_is_served_first_when_there_is_room_for_one()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0.AddMinutes(5)),
            new WaitingConversation(2, 7, 0, T0),
            new WaitingConversation(3, 7, 0, T0.AddMinutes(2)),
        };

        Assert.Equal([(2L, 100L)], Pairs(Plan(waiting, [Advisor(100, capacity: 1, load: 0, 7)])));
    }

    [Fact]
    public void Higher_priority_goes_before_longer_waiting()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0),
            new WaitingConversation(2, 7, 1, T0.AddMinutes(10)),
        };

        Assert.Equal(2, Assert.Single(Plan(waiting, [Advisor(100, capacity: 1, load: 0, 7)])).ConversationId);
    }

    [Fact]
    public void A_normal_conversation_that_waited_longer_than_a_priority_step_goes_before_a_fresh_urgent_one()
    {
        var rules = PlanningRules.Default with { PriorityStep = TimeSpan.FromMinutes(5) };
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0),
            new WaitingConversation(2, 7, 1, T0.AddMinutes(10)),
        };

        var plan = Plan(waiting, [Advisor(100, capacity: 1, load: 0, 7)], rules);

        Assert.Equal(1, Assert.Single(plan).ConversationId);
        Assert.Equal(20 * 60, plan[0].Reason!.Score);
    }

    [Fact]
    public void No_advisor_gets_more_than_their_capacity()
    {
        var waiting = Enumerable.Range(1, 10).Select(i => new WaitingConversation(i, 7, 0, T0.AddSeconds(i))).ToList();

        var plan = Plan(waiting, [Advisor(100, capacity: 3, load: 1, 7), Advisor(200, capacity: 2, load: 0, 7)]);

        Assert.Equal(4, plan.Count);
        Assert.Equal(2, plan.Count(a => a.AdvisorId == 100));
        Assert.Equal(2, plan.Count(a => a.AdvisorId == 200));
        Assert.Equal([1L, 2, 3, 4], plan.Select(a => a.ConversationId).Order());
    }

    [Fact]
    public void The_least_loaded_advisor_of_the_queue_gets_the_conversation()
    {
        var plan = Plan([new WaitingConversation(1, 7, 0, T0)], [Advisor(100, capacity: 4, load: 2, 7), Advisor(200, capacity: 4, load: 1, 7)]);

        Assert.Equal([(1L, 200L)], Pairs(plan));
    }

    [Fact]
    public void Only_advisors_of_the_conversations_queue_are_considered()
    {
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0),
            new WaitingConversation(2, 8, 0, T0.AddMinutes(1)),
        };

        Assert.Equal([(2L, 100L)], Pairs(Plan(waiting, [Advisor(100, capacity: 5, load: 0, 8)])));
    }

    [Fact]
    public void Full_advisors_get_nothing()
    {
        Assert.Empty(Plan([new WaitingConversation(1, 7, 0, T0)], [Advisor(100, capacity: 2, load: 2, 7)]));
    }

    [Fact]
    public void Only_an_advisor_with_every_required_skill_at_the_level_gets_the_conversation_and_the_reason_says_so()
    {
        var needs = new[] { new SkillNeed(1, 3), new SkillNeed(2, 1) };
        var novice = Advisor(100, 5, 0, 7) with { Skills = new Dictionary<long, int> { [1] = 2, [2] = 5 } };
        var oneSkill = Advisor(200, 5, 0, 7) with { Skills = new Dictionary<long, int> { [1] = 5 } };
        var expert = Advisor(300, 5, 4, 7) with { Skills = new Dictionary<long, int> { [1] = 3, [2] = 1 } };

        var allocation = Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0, Needs: needs)], [novice, oneSkill, expert]));

        Assert.Equal(300, allocation.AdvisorId);
        Assert.Equal(AssignmentRule.Skills, allocation.Reason!.Rule);
        Assert.Equal(needs, allocation.Reason!.Needs);
        Assert.Equal(20 * 60, allocation.Reason!.WaitedSeconds);
    }

    [Fact]
    public void Requirements_relax_ring_by_ring_with_the_wait()
    {
        var needs = new[] { new SkillNeed(1, 4), new SkillNeed(2, 2) };
        var steps = new[] { new RelaxationStep(TimeSpan.FromMinutes(5), 1, 2), new RelaxationStep(TimeSpan.FromMinutes(30), null, null) };
        var rules = PlanningRules.Default with { Relaxations = new Dictionary<long, IReadOnlyList<RelaxationStep>> { [7] = steps } };
        var junior = Advisor(100, 5, 0, 7) with { Skills = new Dictionary<long, int> { [1] = 2, [2] = 2 } };
        var nobody = Advisor(200, 5, 0, 7);

        // Waited 2 minutes: nothing relaxed, nobody qualifies.
        Assert.Empty(AllocationPlanner.Plan(T0.AddMinutes(2), [new WaitingConversation(1, 7, 0, T0, Needs: needs)], [junior, nobody], rules));

        // Waited 20 minutes: skill 1 lowered to 2, the junior qualifies.
        var second = Assert.Single(AllocationPlanner.Plan(T0.AddMinutes(20), [new WaitingConversation(1, 7, 0, T0, Needs: needs)], [junior, nobody], rules));
        Assert.Equal((100L, AssignmentRule.Relaxed, 1), (second.AdvisorId, second.Reason!.Rule, second.Reason.RelaxedSteps));
        Assert.Equal([new SkillNeed(1, 2), new SkillNeed(2, 2)], second.Reason!.Needs);

        // Waited 40 minutes: everything dropped, the least loaded with room (the lower id on a tie) gets it.
        var third = Assert.Single(AllocationPlanner.Plan(T0.AddMinutes(40), [new WaitingConversation(1, 7, 0, T0, Needs: needs)], [nobody, junior], rules));
        Assert.Equal((100L, 2), (third.AdvisorId, third.Reason!.RelaxedSteps));
        Assert.Empty(third.Reason!.Needs!);
    }

    [Fact]
    public void Capacity_is_per_kind_in_load_units()
    {
        var advisor = new AvailableAdvisor(100, new HashSet<long> { 7 }, Private: new Room(3, 1), Public: new Room(5, 4));
        var waiting = new[]
        {
            new WaitingConversation(1, 7, 0, T0, ConversationKind.Private, Units: 2),
            new WaitingConversation(2, 7, 0, T0.AddSeconds(1), ConversationKind.Private, Units: 1),
            new WaitingConversation(3, 7, 0, T0.AddSeconds(2), ConversationKind.Public, Units: 2),
            new WaitingConversation(4, 7, 0, T0.AddSeconds(3), ConversationKind.Public, Units: 1),
        };

        // Private: 1 + 2 = 3 fills it, so the next private one waits; public: 4 + 2 does not fit, 4 + 1 does.
        Assert.Equal([1L, 4], Plan(waiting, [advisor]).Select(a => a.ConversationId));
    }

    [Fact]
    public void A_returning_customer_goes_to_their_last_advisor_when_that_advisor_has_room()
    {
        var busier = Advisor(100, 5, 3, 7);
        var free = Advisor(200, 5, 0, 7);

        var sticky = Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0, StickyAdvisorId: 100)], [busier, free]));
        Assert.Equal((100L, AssignmentRule.Sticky), (sticky.AdvisorId, sticky.Reason!.Rule));

        var full = Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0, StickyAdvisorId: 100)], [Advisor(100, 3, 3, 7), free]));
        Assert.Equal((200L, AssignmentRule.Skills), (full.AdvisorId, full.Reason!.Rule));
    }

    [Fact]
    public void Ties_on_share_of_capacity_go_to_fewer_units_then_the_lower_id_whatever_order_advisors_come_in()
    {
        var half = Advisor(100, 4, 2, 7);
        var halfWithLess = Advisor(200, 2, 1, 7);
        var sameAsFirst = Advisor(300, 4, 2, 7);

        Assert.Equal(200, Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0)], [half, halfWithLess])).AdvisorId);
        Assert.Equal(200, Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0)], [halfWithLess, half])).AdvisorId);
        Assert.Equal(100, Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0)], [sameAsFirst, half])).AdvisorId);
        Assert.Equal(100, Assert.Single(Plan([new WaitingConversation(1, 7, 0, T0)], [half, sameAsFirst])).AdvisorId);
    }
}
