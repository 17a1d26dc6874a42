using Microsoft.EntityFrameworkCore;
using Npgsql;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Data;

/// <summary>
/// A node opens at most <see cref="DatabaseOptions.DefaultPostgresPoolSize"/> PostgreSQL connections unless its connection
/// string sets its own maximum, so a burst on one node cannot take the server's whole connection budget.
/// </summary>
public sealed class PostgresPoolSizeTests
{
    [Theory]
    [InlineData("Host=db;Username=parley;Password=p w;Database=parley", 40)]
    [InlineData("Host=db;Username=parley;Maximum Pool Size=12", 12)]
    [InlineData("Host=db;Username=parley;MaxPoolSize=150", 150)]
    [InlineData("host=db;username=parley;maximum pool size=7", 7)]
    [InlineData("Host=db;Username=parley;Minimum Pool Size=60", 60)]
    public void A_connection_string_without_a_maximum_gets_the_default_and_one_with_it_keeps_its_own(string given, int expected)
    {
        var applied = new NpgsqlConnectionStringBuilder(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = given }.PostgresConnectionString());

        Assert.Equal(expected, applied.MaxPoolSize);
        var original = new NpgsqlConnectionStringBuilder(given);
        Assert.Equal((original.Host, original.Username, original.Password), (applied.Host, applied.Username, applied.Password));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_hosts_contexts_use_the_default_maximum_and_a_configured_one_is_kept(DatabaseProvider provider)
    {
        await using (var app = new ParleyApplication(provider) { Demo = false })
        {
            var used = await app.DbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
            if (provider == DatabaseProvider.Postgres)
            {
                Assert.Equal(DatabaseOptions.DefaultPostgresPoolSize, new NpgsqlConnectionStringBuilder(used).MaxPoolSize);
            }
            else
            {
                Assert.DoesNotContain("Pool Size", used, StringComparison.OrdinalIgnoreCase);
            }
        }

        if (provider == DatabaseProvider.Postgres)
        {
            await using var database = TestDatabase.Create(provider);
            await using var app = new ParleyApplication(database)
            {
                Demo = false,
                Settings = { ["Database:ConnectionString"] = database.ConnectionString + ";Maximum Pool Size=9" },
            };
            var used = await app.DbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
            Assert.Equal(9, new NpgsqlConnectionStringBuilder(used).MaxPoolSize);
            Assert.Equal(0, await app.DbAsync(db => db.Accounts.CountAsync()));
        }
    }
}
