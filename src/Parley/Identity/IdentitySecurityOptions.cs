using System.ComponentModel.DataAnnotations;

namespace Parley.Identity;

/// <summary>Locking an advisor's sign-in after repeated wrong passwords (section <c>Identity:Lockout</c>).</summary>
public sealed class AdvisorLockoutOptions
{
    public const string Section = "Identity:Lockout";

    /// <summary>Wrong passwords in a row that lock the account; a successful sign-in starts the count over.</summary>
    [Range(1, 1000)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses every password, the right one included.</summary>
    [Range(1, 7 * 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;
}

/// <summary>The console's session cookie and how often it is checked against the database (section <c>Identity:Session</c>).</summary>
public sealed class AdvisorSessionOptions
{
    public const string Section = "Identity:Session";

    /// <summary>
    /// How long a node trusts the security stamp it last read for an advisor. A sign-out takes effect at once on the
    /// node that handled it (it forgets its copy); other nodes refuse the old cookie at most this long after. 0 reads
    /// the database on every request.
    /// </summary>
    [Range(0, 300)]
    public int StampCacheSeconds { get; set; } = 10;

    /// <summary>How often an open console (a Blazor circuit) checks that its session still stands.</summary>
    [Range(1, 3600)]
    public int CircuitRevalidateSeconds { get; set; } = 60;

    /// <summary>
    /// <c>SameAsRequest</c> (default) marks the session cookie <c>Secure</c> on HTTPS requests. Behind a proxy that
    /// terminates TLS without forwarded headers configured, the requests look like HTTP: set <c>Always</c>.
    /// </summary>
    public CookieSecurePolicy CookieSecurePolicy { get; set; } = CookieSecurePolicy.SameAsRequest;
}
