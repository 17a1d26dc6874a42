using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Routing;

/// <summary>
/// What a conversation requires of its advisor: its queue's skills (<see cref="QueueSkill"/>) and its own
/// (<see cref="ConversationSkill"/>, named by the bot's handoff), the higher level where both name a skill. The queue's part
/// is read when routing, so a conversation transferred to another queue takes that queue's requirements.
/// </summary>
public static class ConversationRequirements
{
    /// <summary>
    /// Records the skills a bot's handoff named, <c>name</c> (level 1) or <c>name:level</c>; names that are not skills of the
    /// conversation's account are left out (a flow may name a skill an admin has not created yet).
    /// </summary>
    public static async Task AddFromHandoffAsync(ParleyDb db, Conversation conversation, IReadOnlyList<string> named, CancellationToken cancellationToken)
    {
        if (named.Count == 0)
        {
            return;
        }

        var wanted = named.Select(Parse).Where(n => n.Name.Length > 0).GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Max(n => n.Level), StringComparer.OrdinalIgnoreCase);
        var names = wanted.Keys.ToList();
        var skills = await db.Skills.AsNoTracking().Where(s => s.AccountId == conversation.AccountId && names.Contains(s.Name)).ToListAsync(cancellationToken);
        var existing = await db.ConversationSkills.Where(s => s.ConversationId == conversation.Id).ToDictionaryAsync(s => s.SkillId, cancellationToken);
        foreach (var skill in skills)
        {
            var level = wanted[skill.Name];
            if (existing.TryGetValue(skill.Id, out var held))
            {
                held.MinLevel = Math.Max(held.MinLevel, level);
            }
            else
            {
                db.ConversationSkills.Add(new ConversationSkill { ConversationId = conversation.Id, SkillId = skill.Id, MinLevel = level });
            }
        }
    }

    private static (string Name, int Level) Parse(string text)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        var level = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 5) : 1;
        return (parts[0], level);
    }

    /// <summary>The requirements of each conversation: its queue's (given) and its own (one query), the higher level of each skill.</summary>
    public static async Task<Dictionary<long, IReadOnlyList<SkillNeed>>> OfAsync(
        ParleyDb db, ILookup<long, SkillNeed> byQueue, IReadOnlyCollection<(long ConversationId, long QueueId)> conversations, CancellationToken cancellationToken)
    {
        var conversationIds = conversations.Select(c => c.ConversationId).ToList();
        var own = (await db.ConversationSkills.AsNoTracking().Where(s => EF.Parameter(conversationIds).Contains(s.ConversationId)).ToListAsync(cancellationToken))
            .ToLookup(s => s.ConversationId);
        return conversations.ToDictionary(
            c => c.ConversationId,
            c => (IReadOnlyList<SkillNeed>)byQueue[c.QueueId]
                .Concat(own[c.ConversationId].Select(s => new SkillNeed(s.SkillId, s.MinLevel)))
                .GroupBy(n => n.SkillId)
                .Select(g => new SkillNeed(g.Key, g.Max(n => n.MinLevel)))
                .OrderBy(n => n.SkillId)
                .ToList());
    }
}
