namespace Parley.Identity;

/// <summary>A group of advisors within one account (for example the bank's second line); team favourite replies are theirs.</summary>
public sealed class Team
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class AdvisorTeam
{
    public long AdvisorId { get; set; }
    public long TeamId { get; set; }
}
