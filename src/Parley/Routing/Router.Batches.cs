namespace Parley.Routing;

public sealed partial class Router
{
    /// <summary>
    /// Splits a pass's plan into commit batches of about <paramref name="size"/> allocations whose advisors do not overlap:
    /// every allocation of one advisor goes in the same batch, so batches committed side by side never wait for each other's
    /// advisor locks. Each batch keeps the plan's order (an advisor's allocations are committed in the order planned).
    /// </summary>
    internal static List<List<Allocation>> ByAdvisor(IReadOnlyList<Allocation> plan, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var perAdvisor = plan.CountBy(a => a.AdvisorId).ToDictionary();
        var batchOf = new Dictionary<long, int>();
        var counts = new List<int>();
        var open = -1;
        foreach (var allocation in plan)
        {
            if (batchOf.ContainsKey(allocation.AdvisorId))
            {
                continue;
            }

            if (open < 0 || counts[open] >= size)
            {
                counts.Add(0);
                open = counts.Count - 1;
            }

            batchOf[allocation.AdvisorId] = open;
            counts[open] += perAdvisor[allocation.AdvisorId];
        }

        var batches = counts.Select(_ => new List<Allocation>()).ToList();
        foreach (var allocation in plan)
        {
            batches[batchOf[allocation.AdvisorId]].Add(allocation);
        }

        return batches;
    }
}
