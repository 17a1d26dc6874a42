namespace Parley.Routing;

public sealed record WaitingConversation(long Id, long QueueId, int Priority, DateTime QueuedAt);

public sealed record AvailableAdvisor(long Id, IReadOnlySet<long> QueueIds, int Capacity, int Load);

public sealed record Allocation(long ConversationId, long AdvisorId);

/// <summary>
/// Decides who gets what: highest priority then longest waiting first, each to the least loaded online
/// advisor of its queue who has room. Pure, so the rules are tested without a database.
/// </summary>
public static class AllocationPlanner
{
    public static IReadOnlyList<Allocation> Plan(IEnumerable<WaitingConversation> waiting, IEnumerable<AvailableAdvisor> advisors)
    {
        var load = advisors.Where(a => a.Load < a.Capacity).ToDictionary(a => a.Id, a => (Advisor: a, Load: a.Load));
        var allocations = new List<Allocation>();
        foreach (var conversation in waiting.OrderByDescending(c => c.Priority).ThenBy(c => c.QueuedAt).ThenBy(c => c.Id))
        {
            if (load.Count == 0)
            {
                break;
            }

            var best = load.Values
                .Where(a => a.Advisor.QueueIds.Contains(conversation.QueueId))
                .OrderBy(a => (double)a.Load / a.Advisor.Capacity)
                .ThenBy(a => a.Load)
                .ThenBy(a => a.Advisor.Id)
                .Select(a => a.Advisor)
                .FirstOrDefault();
            if (best is null)
            {
                continue;
            }

            allocations.Add(new Allocation(conversation.Id, best.Id));
            var newLoad = load[best.Id].Load + 1;
            if (newLoad >= best.Capacity)
            {
                load.Remove(best.Id);
            }
            else
            {
                load[best.Id] = (best, newLoad);
            }
        }

        return allocations;
    }
}
