namespace Parley.Identity;

/// <summary>The signed-in advisor, as every console action sees it.</summary>
public sealed record AdvisorSession(long Id, string DisplayName, AdvisorRole Role, IReadOnlySet<long> AccountIds)
{
    public bool CanSupervise => Role is AdvisorRole.Supervisor or AdvisorRole.Admin;

    public bool CanAccess(long accountId) => AccountIds.Contains(accountId);

    /// <summary>The teams the advisor belongs to (each within one of their accounts).</summary>
    public IReadOnlySet<long> TeamIds { get; init; } = new HashSet<long>();

    /// <summary>Supervisors and admins steer an account's teams and shared replies; advisors act on what is theirs.</summary>
    public bool CanSuperviseAccount(long accountId) => CanSupervise && CanAccess(accountId);

    /// <summary>Edits and publishes bot flows (channel managers and admins), in their own accounts only.</summary>
    public bool CanEditFlows => Role is AdvisorRole.ChannelManager or AdvisorRole.Admin;
}
