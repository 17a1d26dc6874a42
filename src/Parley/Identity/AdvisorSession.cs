namespace Parley.Identity;

/// <summary>The signed-in advisor, as every console action sees it.</summary>
public sealed record AdvisorSession(long Id, string DisplayName, AdvisorRole Role, IReadOnlySet<long> AccountIds)
{
    public bool CanSupervise => Role is AdvisorRole.Supervisor or AdvisorRole.Admin;

    public bool CanAccess(long accountId) => AccountIds.Contains(accountId);

    /// <summary>Edits and publishes bot flows (channel managers and admins), in their own accounts only.</summary>
    public bool CanEditFlows => Role is AdvisorRole.ChannelManager or AdvisorRole.Admin;
}
