namespace Parley.Bots;

/// <summary>
/// A flow of an account: attached to one inbox, or the account's default for inboxes without one. Its draft is what the
/// channel managers edit; customers meet its published version.
/// </summary>
public sealed class BotFlow
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public long? InboxId { get; set; }
    public bool IsDefault { get; set; }

    /// <summary>The draft, as YAML (<see cref="Flows.FlowYaml"/>).</summary>
    public required string Draft { get; set; }

    public DateTime DraftUpdatedAt { get; set; }
    public long? DraftUpdatedBy { get; set; }
    public long? PublishedVersionId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A published version of a flow: never changed once written.</summary>
public sealed class BotFlowVersion
{
    public long Id { get; set; }
    public long FlowId { get; set; }
    public int Number { get; set; }
    public required string Document { get; set; }
    public DateTime PublishedAt { get; set; }
    public long? PublishedBy { get; set; }
    public string? Note { get; set; }
}

/// <summary>A value an account's API steps name as <c>{{ secrets.NAME }}</c>, stored protected.</summary>
public sealed class BotSecret
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTime UpdatedAt { get; set; }
}
