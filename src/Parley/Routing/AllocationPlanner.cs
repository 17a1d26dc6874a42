namespace Parley.Routing;

/// <summary>Which capacity a conversation uses: private messages, or a public thread under a post.</summary>
public enum ConversationKind
{
    Private,
    Public,
}

/// <param name="Units">The load units it counts for (its channel's weight, <see cref="AdvisorLoad"/>).</param>
/// <param name="Needs">Its required skills before relaxation (its queue's and its own, the higher level of each).</param>
/// <param name="StickyAdvisorId">The advisor who last replied to the customer within the queue's sticky window.</param>
public sealed record WaitingConversation(
    long Id, long QueueId, int Priority, DateTime QueuedAt,
    ConversationKind Kind = ConversationKind.Private, int Units = 1, IReadOnlyList<SkillNeed>? Needs = null, long? StickyAdvisorId = null);

/// <summary>A capacity and the load against it, in load units.</summary>
public readonly record struct Room(int Capacity, int Load)
{
    public bool Fits(int units) => Load + units <= Capacity;
}

/// <param name="Skills">Skill id to level (1–5).</param>
public sealed record AvailableAdvisor(long Id, IReadOnlySet<long> QueueIds, Room Private, Room Public, IReadOnlyDictionary<long, int>? Skills = null)
{
    public Room RoomFor(ConversationKind kind) => kind == ConversationKind.Public ? Public : Private;
}

/// <summary>One ring of a queue's bullseye (see <see cref="QueueRelaxation"/>).</summary>
public sealed record RelaxationStep(TimeSpan After, long? SkillId, int? LowerTo);

/// <param name="PriorityStep">How much waiting one level of priority is worth: a normal conversation that waited that much
/// longer goes first, so nothing waits forever behind a stream of urgent ones.</param>
/// <param name="Relaxations">Each queue's steps.</param>
public sealed record PlanningRules(TimeSpan PriorityStep, IReadOnlyDictionary<long, IReadOnlyList<RelaxationStep>> Relaxations)
{
    public static readonly PlanningRules Default = new(TimeSpan.FromMinutes(15), new Dictionary<long, IReadOnlyList<RelaxationStep>>());
}

/// <param name="QueuedAt">
/// The wait it was planned for: a conversation queued again since (resolved and reopened, transferred, re-queued from an
/// advisor who left) is a new wait, which this plan's advisor, reason and queue may no longer fit. Null: whatever wait.
/// </param>
/// <param name="Kind">The capacity it takes from (with <paramref name="Units"/>): what a plan reserves until it is committed.</param>
public sealed record Allocation(
    long ConversationId, long AdvisorId, AssignmentReason? Reason = null, DateTime? QueuedAt = null,
    ConversationKind Kind = ConversationKind.Private, int Units = 1);

/// <summary>
/// Decides who gets what. Conversations go by waiting score (priority × <see cref="PlanningRules.PriorityStep"/> + the wait),
/// each to an advisor of its queue with room for its load units in its kind's capacity and every required skill at the level
/// required after relaxation: the customer's last advisor when sticky, else the least loaded. Ties break on the earliest
/// queued, then ids. Pure, so the rules are tested without a database; one pass over the advisors of each queue per
/// conversation, no I/O.
/// </summary>
public static class AllocationPlanner
{
    public static IReadOnlyList<Allocation> Plan(
        DateTime now, IEnumerable<WaitingConversation> waiting, IEnumerable<AvailableAdvisor> advisors, PlanningRules? rules = null)
    {
        rules ??= PlanningRules.Default;
        var states = advisors.Select(a => new AdvisorState(a)).ToList();
        var byQueue = states.SelectMany(s => s.Advisor.QueueIds.Select(q => (Queue: q, State: s)))
            .GroupBy(x => x.Queue)
            .ToDictionary(g => g.Key, g => g.Select(x => x.State).ToList());
        var allocations = new List<Allocation>();
        var ordered = waiting
            .Select(c => (Conversation: c, Waited: now - c.QueuedAt, Score: Score(c, now, rules)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Conversation.QueuedAt).ThenBy(x => x.Conversation.Id);
        foreach (var (conversation, waited, score) in ordered)
        {
            if (!byQueue.TryGetValue(conversation.QueueId, out var candidates))
            {
                continue;
            }

            var steps = rules.Relaxations.GetValueOrDefault(conversation.QueueId) ?? [];
            var (needs, relaxed) = Relax(conversation.Needs ?? [], steps, waited);
            AdvisorState? best = null;
            var sticky = false;
            foreach (var candidate in candidates)
            {
                if (!candidate.Fits(conversation) || !candidate.Meets(needs))
                {
                    continue;
                }

                if (candidate.Advisor.Id == conversation.StickyAdvisorId)
                {
                    best = candidate;
                    sticky = true;
                    break;
                }

                if (best is null || candidate.IsLessLoadedThan(best, conversation.Kind))
                {
                    best = candidate;
                }
            }

            if (best is null)
            {
                continue;
            }

            best.Take(conversation);
            var rule = sticky ? AssignmentRule.Sticky : relaxed > 0 ? AssignmentRule.Relaxed : AssignmentRule.Skills;
            allocations.Add(new Allocation(conversation.Id, best.Advisor.Id,
                new AssignmentReason(rule, Math.Round(waited.TotalSeconds, 1), Math.Round(score, 1), needs, relaxed), conversation.QueuedAt,
                conversation.Kind, conversation.Units));
        }

        return allocations;
    }

    public static double Score(WaitingConversation conversation, DateTime now, PlanningRules rules) =>
        conversation.Priority * rules.PriorityStep.TotalSeconds + (now - conversation.QueuedAt).TotalSeconds;

    /// <summary>The requirements left after the steps whose delay has passed, and how many steps changed something.</summary>
    public static (IReadOnlyList<SkillNeed> Needs, int Relaxed) Relax(IReadOnlyList<SkillNeed> needs, IReadOnlyList<RelaxationStep> steps, TimeSpan waited)
    {
        if (needs.Count == 0 || steps.Count == 0)
        {
            return (needs, 0);
        }

        var current = needs.ToDictionary(n => n.SkillId, n => n.MinLevel);
        var relaxed = 0;
        foreach (var step in steps.Where(s => s.After <= waited).OrderBy(s => s.After))
        {
            var changed = false;
            foreach (var skillId in current.Keys.Where(k => step.SkillId is null || step.SkillId == k).ToList())
            {
                if (step.LowerTo is not { } level)
                {
                    current.Remove(skillId);
                    changed = true;
                }
                else if (current[skillId] > level)
                {
                    current[skillId] = level;
                    changed = true;
                }
            }

            relaxed += changed ? 1 : 0;
        }

        return (current.Select(n => new SkillNeed(n.Key, n.Value)).OrderBy(n => n.SkillId).ToList(), relaxed);
    }

    private sealed class AdvisorState(AvailableAdvisor advisor)
    {
        public AvailableAdvisor Advisor { get; } = advisor;

        private Room _private = advisor.Private;
        private Room _public = advisor.Public;

        private Room RoomFor(ConversationKind kind) => kind == ConversationKind.Public ? _public : _private;

        public bool Fits(WaitingConversation conversation) => RoomFor(conversation.Kind).Fits(conversation.Units);

        public bool Meets(IReadOnlyList<SkillNeed> needs)
        {
            foreach (var need in needs)
            {
                if (Advisor.Skills is null || Advisor.Skills.GetValueOrDefault(need.SkillId) < need.MinLevel)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Lower share of capacity used, then fewer units, then the lower id: the same plan for the same input.</summary>
        public bool IsLessLoadedThan(AdvisorState other, ConversationKind kind)
        {
            var (mine, theirs) = (RoomFor(kind), other.RoomFor(kind));
            var byShare = ((long)mine.Load * theirs.Capacity).CompareTo((long)theirs.Load * mine.Capacity);
            return byShare != 0 ? byShare < 0 : mine.Load != theirs.Load ? mine.Load < theirs.Load : Advisor.Id < other.Advisor.Id;
        }

        public void Take(WaitingConversation conversation)
        {
            if (conversation.Kind == ConversationKind.Public)
            {
                _public = _public with { Load = _public.Load + conversation.Units };
            }
            else
            {
                _private = _private with { Load = _private.Load + conversation.Units };
            }
        }
    }
}
