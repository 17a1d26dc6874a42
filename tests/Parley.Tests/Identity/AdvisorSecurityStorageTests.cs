using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>The advisors' security columns (migration 0003) on both databases.</summary>
public sealed class AdvisorSecurityStorageTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Upgrading_gives_every_advisor_a_stamp_of_its_own_and_no_lock(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        await app.DbAsync(async db =>
        {
            // Back to the advisors of schema 0002, as an older install has them.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE advisors DROP COLUMN security_stamp");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE advisors DROP COLUMN failed_login_count");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE advisors DROP COLUMN locked_until");
            return await db.Database.ExecuteSqlRawAsync("DELETE FROM schema_migrations WHERE version = '0003_advisor_security'");
        });

        Assert.Equal(["0003_advisor_security"], await app.Service<Migrator>().MigrateAsync(CancellationToken.None));

        var advisors = await app.DbAsync(db => db.Advisors.AsNoTracking().ToListAsync());
        Assert.Equal(Parley.Demo.DemoWorkspace.Logins.Length, advisors.Count);
        Assert.All(advisors, a =>
        {
            Assert.Matches("^[0-9a-f]{32}$", a.SecurityStamp);
            Assert.Equal((0, (DateTime?)null), (a.FailedLoginCount, a.LockedUntil));
        });
        Assert.Equal(advisors.Count, advisors.Select(a => a.SecurityStamp).Distinct().Count());
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_session_stands_while_its_stamp_is_the_advisors_and_not_after_it_changed(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var stamps = app.Service<SessionStamps>();
        var marie = await app.DbAsync(db => db.Advisors.AsNoTracking().FirstAsync(a => a.Email == "marie@parley.local"));
        var session = new ClaimsPrincipal(SessionStamps.Identity(marie, "Cookies"));
        var stampless = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(IdentityExtensions.AdvisorIdClaim, marie.Id.ToString(CultureInfo.InvariantCulture))], "Cookies"));

        Assert.True(await stamps.IsCurrentAsync(session, CancellationToken.None));
        Assert.False(await stamps.IsCurrentAsync(stampless, CancellationToken.None));

        Assert.True(await app.Service<AdvisorSecurity>().EndSessionsAsync(marie.Id, CancellationToken.None));

        Assert.False(await stamps.IsCurrentAsync(session, CancellationToken.None));
        var renewed = await app.DbAsync(db => db.Advisors.AsNoTracking().FirstAsync(a => a.Id == marie.Id));
        Assert.NotEqual(marie.SecurityStamp, renewed.SecurityStamp);
        Assert.True(await stamps.IsCurrentAsync(new ClaimsPrincipal(SessionStamps.Identity(renewed, "Cookies")), CancellationToken.None));
    }
}
