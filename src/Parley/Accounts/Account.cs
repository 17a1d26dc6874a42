namespace Parley.Accounts;

/// <summary>A brand served by Parley (for example the parcel business or the bank of a postal group).</summary>
public sealed class Account
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The account's CRM lookup (<see cref="Contacts.Crm.CrmSettings"/>) as JSON; null when it has none.</summary>
    public string? CrmJson { get; set; }
}
