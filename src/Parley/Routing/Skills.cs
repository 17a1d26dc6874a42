using Parley.Channels;

namespace Parley.Routing;

public enum SkillKind
{
    Topic,
    Language,
    Vip,
    Public,
}

/// <summary>Something an advisor is good at, per account: a topic, a language, VIP customers, public replies.</summary>
public sealed class Skill
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public SkillKind Kind { get; set; }
}

/// <summary>How good an advisor is at a skill, 1 (beginner) to 5 (expert).</summary>
public sealed class AdvisorSkill
{
    public long AdvisorId { get; set; }
    public long SkillId { get; set; }
    public int Level { get; set; }
}

/// <summary>Every conversation of the queue needs an advisor with this skill at this level or more.</summary>
public sealed class QueueSkill
{
    public long QueueId { get; set; }
    public long SkillId { get; set; }
    public int MinLevel { get; set; }
}

/// <summary>What one conversation needs beyond its queue (the bot's handoff named it, or an advisor's transfer).</summary>
public sealed class ConversationSkill
{
    public long ConversationId { get; set; }
    public long SkillId { get; set; }
    public int MinLevel { get; set; }
}

/// <summary>
/// One ring of the bullseye: once a conversation of the queue has waited <see cref="AfterSeconds"/>, its requirement on
/// <see cref="SkillId"/> (null: every skill) is lowered to <see cref="LowerTo"/> (null: dropped).
/// </summary>
public sealed class QueueRelaxation
{
    public long Id { get; set; }
    public long QueueId { get; set; }
    public int AfterSeconds { get; set; }
    public long? SkillId { get; set; }
    public int? LowerTo { get; set; }
}

/// <summary>How many load units a conversation on the channel counts for in the account (absent: 1).</summary>
public sealed class ChannelWeight
{
    public long AccountId { get; set; }
    public ChannelKind Channel { get; set; }
    public int Units { get; set; }
}
