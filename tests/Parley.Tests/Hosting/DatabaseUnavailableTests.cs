using System.Net;
using Npgsql;
using Parley.Channels;
using Parley.Data;
using Parley.Tests.Channels;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Hosting;

public sealed class DatabaseUnavailableTests
{
    [Theory, OnPostgres]
    public async Task A_database_out_of_connections_is_a_503_to_retry_not_a_500(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 3, Timeout = 1 }.ConnectionString;
        await using var app = new ParleyApplication(database) { Settings = { ["Database:ConnectionString"] = connectionString } };
        await TestConnections.AddAsync(app, ChannelKind.Messenger, "100200300400888");
        var body = """{"object":"page","entry":[{"id":"100200300400888","time":1,"messaging":[{"sender":{"id":"psid-1"},"recipient":{"id":"100200300400888"},"timestamp":1764669600000,"message":{"mid":"mid.busy","text":"hello"}}]}]}""";
        var client = app.CreateClient();

        // Every connection of the host's pool is taken (a pool is per connection string and process).
        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                held.Add(connection);
            }

            var refused = await TestConnections.PostSignedAsync(client, "/webhooks/messenger", body);
            await Expect.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("5", refused.Headers.RetryAfter?.ToString());
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // The platform's retry, once connections are free again, is accepted.
        Assert.Equal(HttpStatusCode.OK, (await TestConnections.PostSignedAsync(client, "/webhooks/messenger", body)).StatusCode);
    }

    [Fact]
    public void Only_a_database_that_refuses_for_now_counts_as_unavailable()
    {
        Assert.True(DbErrors.IsUnavailable(new InvalidOperationException("wrapped", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()))));
        Assert.True(DbErrors.IsUnavailable(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)));
        Assert.False(DbErrors.IsUnavailable(new Microsoft.Data.Sqlite.SqliteException("constraint", 19)));
        Assert.False(DbErrors.IsUnavailable(new InvalidOperationException("a bug")));
    }
}
