using Parley.Routing;

namespace Parley.Tests.Routing;

/// <summary>A pass's plan split into commit batches whose advisors do not overlap, each in the plan's order.</summary>
public sealed class CommitBatchesTests
{
    private static List<Allocation> Plan(params (long Conversation, long Advisor)[] pairs) =>
        pairs.Select(p => new Allocation(p.Conversation, p.Advisor)).ToList();

    [Fact]
    public void An_advisors_allocations_stay_in_one_batch_even_past_the_size()
    {
        var plan = Plan((1, 10), (2, 20), (3, 10), (4, 30), (5, 10), (6, 20));

        var batches = Router.ByAdvisor(plan, size: 2);

        Assert.Equal([[1, 3, 5], [2, 6], [4]], batches.Select(b => b.Select(a => a.ConversationId).ToArray()).ToArray());
    }

    [Fact]
    public void Batches_share_no_advisor_keep_the_plan_order_and_lose_nothing()
    {
        var plan = Enumerable.Range(1, 1000).Select(i => new Allocation(i, 1 + (i * 7919 % 337))).ToList();

        var batches = Router.ByAdvisor(plan, size: 250);

        Assert.Equal(plan.Select(a => a.ConversationId).Order(), batches.SelectMany(b => b).Select(a => a.ConversationId).Order());
        var advisorsSeen = new HashSet<long>();
        foreach (var batch in batches)
        {
            Assert.All(batch.Select(a => a.AdvisorId).Distinct(), id => Assert.True(advisorsSeen.Add(id), $"advisor {id} in two batches"));
            Assert.Equal(batch.Select(a => a.ConversationId).Order(), batch.Select(a => a.ConversationId));
        }

        Assert.InRange(batches.Count, 4, 5);
    }
}
