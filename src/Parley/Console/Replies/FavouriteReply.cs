namespace Parley.Console.Replies;

/// <summary>Who may use a favourite reply: its owner, the members of its team, or everyone in its account.</summary>
public enum ReplyScope
{
    Personal,
    Team,
    Account,
}

/// <summary>A saved answer an advisor inserts by its shortcut; its body is Liquid, rendered for the conversation.</summary>
public sealed class FavouriteReply
{
    public long Id { get; set; }
    public ReplyScope Scope { get; set; }

    /// <summary>The account of a team or account reply; null for a personal one (its owner uses it in any of their accounts).</summary>
    public long? AccountId { get; set; }
    public long? TeamId { get; set; }
    public long? OwnerId { get; set; }
    public required string Title { get; set; }
    public required string Shortcut { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
