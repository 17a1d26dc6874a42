using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Accounts;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>What the tests of teams, favourite replies, notes and snooze start from: sessions with teams, another brand, conversations.</summary>
public static class TeamsSetup
{
    /// <summary>The console API's JSON: web defaults, enums as camel-case names.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The advisor's session as the console loads it now (teams included).</summary>
    public static async Task<AdvisorSession> SessionAsync(ParleyApplication app, string email)
    {
        var id = await app.DbAsync(db => db.Advisors.Where(a => a.Email == email).Select(a => a.Id).FirstAsync());
        return (await CurrentAdvisor.LoadAsync(app.Service<IDbContextFactory<ParleyDb>>(), id, CancellationToken.None))!;
    }

    public static Task<long> DemoAccountAsync(ParleyApplication app) =>
        app.DbAsync(db => db.Accounts.Where(a => a.Name == Parley.Demo.DemoWorkspace.AccountName).Select(a => a.Id).FirstAsync());

    /// <summary>Another brand with its own admin (who can sign in with the test password): <c>admin@other.example</c>.</summary>
    public static Task<(long AccountId, AdvisorSession Admin)> OtherBrandAsync(ParleyApplication app) => app.DbAsync(async db =>
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var account = new Account { Name = "Other brand", CreatedAt = now };
        db.Accounts.Add(account);
        var admin = new Advisor
        {
            Email = "admin@other.example", DisplayName = "Olga Other", PasswordHash = "", Role = AdvisorRole.Admin, PresenceChangedAt = now, CreatedAt = now,
        };
        admin.PasswordHash = app.Service<IPasswordHasher<Advisor>>().HashPassword(admin, ParleyApplication.Password);
        db.Advisors.Add(admin);
        await db.SaveChangesAsync();
        db.AdvisorAccounts.Add(new AdvisorAccount { AdvisorId = admin.Id, AccountId = account.Id });
        await db.SaveChangesAsync();
        return (account.Id, new AdvisorSession(admin.Id, admin.DisplayName, admin.Role, new HashSet<long> { account.Id }));
    });

    public static Task<long> TeamAsync(ParleyApplication app, long accountId, string name, params AdvisorSession[] members) => app.DbAsync(async db =>
    {
        var team = new Team { AccountId = accountId, Name = name, CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        db.AdvisorTeams.AddRange(members.Select(m => new AdvisorTeam { AdvisorId = m.Id, TeamId = team.Id }));
        await db.SaveChangesAsync();
        return team.Id;
    });

    /// <summary>A website conversation of the demo brand whose contact is called <paramref name="contactName"/>; its customer's widget too.</summary>
    public static async Task<(long ConversationId, WidgetClient Customer)> ConversationAsync(ParleyApplication app, string? contactName = null)
    {
        var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        if (contactName is not null)
        {
            var contactId = await app.ContactOfAsync(conversationId);
            await app.DbAsync(db => db.Contacts.Where(c => c.Id == contactId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Name, contactName)));
        }

        return (conversationId, customer);
    }
}
