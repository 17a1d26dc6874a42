namespace Parley.Contacts;

public sealed class Contact
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }

    /// <summary>In international format when a channel gave it (WhatsApp's wa_id).</summary>
    public string? Phone { get; set; }

    /// <summary>The picture a platform gave for the person (an http(s) URL), shown in the console.</summary>
    public string? AvatarUrl { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Widget tokens issued before this time are refused (see WidgetSessions.RevokeAsync).</summary>
    public DateTime? SessionsRevokedAt { get; set; }
}

/// <summary>How a contact is known on one inbox: a browser's guest id, a site's user id, a page-scoped id...</summary>
public sealed class ContactIdentity
{
    public long Id { get; set; }
    public long ContactId { get; set; }
    public long InboxId { get; set; }
    public required string ExternalId { get; set; }

    /// <summary>True when the identity was proven (for example by the site's HMAC), false for a guest.</summary>
    public bool Verified { get; set; }

    public DateTime CreatedAt { get; set; }
}
