using System.Globalization;
using Microsoft.AspNetCore.Components;
using Parley.Identity;
using Parley.Routing;

namespace Parley.Console.Admin;

public sealed record AccountName(long Id, string Name);

/// <summary>What the admin page shows, as the API answered it, read again after each change.</summary>
public sealed record AdminData(
    IReadOnlyList<AccountName> Accounts,
    IReadOnlyList<AdvisorView> Advisors,
    IReadOnlyList<QueueView> Queues,
    IReadOnlyList<TeamView> Teams,
    IReadOnlyList<RoutingAdminApi.SkillDto> Skills,
    IReadOnlyList<RoutingAdminApi.Weight> Weights)
{
    public string AccountOf(long id) => Accounts.FirstOrDefault(a => a.Id == id)?.Name ?? $"#{id}";

    public string QueueName(long id) => Queues.FirstOrDefault(q => q.Id == id)?.Name ?? $"#{id}";

    public string SkillName(long id) => Skills.FirstOrDefault(s => s.Id == id)?.Name ?? $"#{id}";

    public string TeamName(long id) => Teams.FirstOrDefault(t => t.Id == id)?.Name ?? $"#{id}";
}

public static class AdminForms
{
    /// <summary>A skill level picked in a select: 1 to 5, or 0 for none.</summary>
    public static int Level(ChangeEventArgs change) =>
        int.TryParse(change.Value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level is >= 0 and <= 5 ? level : 0;
}
