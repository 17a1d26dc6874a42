namespace Parley.Conversations;

/// <summary>
/// A post public conversations hang on: the brand's own post (a Page post, an Instagram media, a tweet of the account)
/// or a visitor's (a post on the Page, a tweet that mentions the account). What the platform told of it is kept; a
/// comment's webhook often names its post by id only, so every field but the id may be unknown.
/// </summary>
public sealed class SocialPost
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long InboxId { get; set; }

    /// <summary>The platform's id of the post (a Page post id, an Instagram media id, a tweet id); unique per inbox.</summary>
    public required string PlatformPostId { get; set; }

    public string? AuthorId { get; set; }
    public string? AuthorName { get; set; }

    /// <summary>True when the brand's account published it; false for a visitor's post.</summary>
    public bool ByBrand { get; set; }

    public string? Text { get; set; }
    public string? Permalink { get; set; }

    /// <summary>A thumbnail of the post's photo or video, when the platform gave one.</summary>
    public string? MediaUrl { get; set; }

    /// <summary>When the platform says it was published.</summary>
    public DateTime? PostedAt { get; set; }

    /// <summary>Since when a channel manager flagged the post "in crisis": its threads go to humans, first (null: not in crisis).</summary>
    public DateTime? CrisisSince { get; set; }

    /// <summary>The advisor who flagged it.</summary>
    public long? CrisisFlaggedBy { get; set; }

    /// <summary>When a node claimed reading the post's details from the network (null: still to be read).</summary>
    public DateTime? DetailsFetchedAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
