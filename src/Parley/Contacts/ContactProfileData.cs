using Parley.Channels;

namespace Parley.Contacts;

/// <summary>A fact about a customer the brand keeps (for example "customer number" → "LP-4471", "language" → "it").</summary>
public sealed class ContactAttribute
{
    public long ContactId { get; set; }
    public required string Name { get; set; }
    public required string Value { get; set; }
    public long? UpdatedBy { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A tag on the customer, seen with every conversation of theirs (for example "vip", "complained twice").</summary>
public sealed class ContactTag
{
    public long ContactId { get; set; }
    public required string Tag { get; set; }
    public long? AddedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>An advisor's note about the customer, internal like a conversation's notes, but kept with the person.</summary>
public sealed class ContactNote
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public long AuthorId { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>Where the customer is known: one identity on one inbox. A web guest's random id is not shown.</summary>
public sealed record IdentityView(ChannelKind Channel, string InboxName, string? ExternalId, bool Verified, DateTime Since);

public sealed record AttributeView(string Name, string Value, string? UpdatedBy, DateTime UpdatedAt);

public sealed record ContactNoteView(long Id, string Body, long AuthorId, string AuthorName, DateTime CreatedAt);

/// <summary>The customer beside a conversation: identities on every channel, attributes, tags and notes.</summary>
public sealed record ContactProfileView(
    long ContactId,
    IReadOnlyList<IdentityView> Identities,
    IReadOnlyList<AttributeView> Attributes,
    IReadOnlyList<string> Tags,
    IReadOnlyList<ContactNoteView> Notes);

public enum ProfileOutcome
{
    Done,
    NotFound,
    BadName,
    BadValue,
    TooMany,
    Forbidden,
}
