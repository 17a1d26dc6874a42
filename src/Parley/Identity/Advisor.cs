namespace Parley.Identity;

public enum AdvisorRole
{
    Advisor,
    Supervisor,
    Admin,

    /// <summary>Edits the bot's flows, intents and handoff rules of their accounts (and answers like an advisor).</summary>
    ChannelManager,
}

public enum Presence
{
    Offline,
    Away,
    Online,

    /// <summary>Online and working on what they have, but routing gives them nothing new.</summary>
    Busy,
}

/// <summary>A person who signs in to the console.</summary>
public sealed class Advisor
{
    public long Id { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public AdvisorRole Role { get; set; }

    /// <summary>How many load units of private conversations may be assigned to this advisor at once (see Routing/AdvisorLoad).</summary>
    public int Capacity { get; set; } = 3;

    /// <summary>How many load units of public conversations (threads under posts) at once, beside the private ones.</summary>
    public int PublicCapacity { get; set; } = 5;

    public Presence Presence { get; set; }
    public DateTime PresenceChangedAt { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Every session cookie carries it; changing it (sign-out, password or role change) ends every session of the
    /// advisor at once (see <see cref="SessionStamps"/>).
    /// </summary>
    public string SecurityStamp { get; set; } = SessionStamps.NewStamp();

    /// <summary>Wrong passwords since the last successful sign-in or the last lock (see <see cref="AdvisorSignIn"/>).</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>Until then, sign-in is refused even with the right password.</summary>
    public DateTime? LockedUntil { get; set; }

    /// <summary>Set by an admin: the advisor cannot sign in (see <see cref="AdvisorAdministration"/>); null: active.</summary>
    public DateTime? DisabledAt { get; set; }
}

public sealed class AdvisorAccount
{
    public long AdvisorId { get; set; }
    public long AccountId { get; set; }
}

public sealed class AdvisorQueue
{
    public long AdvisorId { get; set; }
    public long QueueId { get; set; }
}
