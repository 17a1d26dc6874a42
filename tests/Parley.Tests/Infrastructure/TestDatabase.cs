using Microsoft.Data.Sqlite;
using Npgsql;
using Parley.Data;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// A database of its own for one test: a temporary SQLite file, or a fresh PostgreSQL database on the server
/// named by PARLEY_TEST_POSTGRES (created here, dropped on dispose). Several hosts may share it in turn.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "PARLEY_TEST_POSTGRES";

    private readonly string? _folder;
    private readonly string? _serverConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? folder, string? serverConnectionString, string? databaseName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
    }

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static string PostgresSkipReason => $"PostgreSQL tests need {PostgresVariable} (an Npgsql connection string of a role with CREATEDB); .ci/run sets it.";

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static TestDatabase Create(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("parley-test-").FullName;
            return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "parley.db")}", folder, null, null);
        }

        var server = PostgresServer ?? throw new InvalidOperationException(PostgresSkipReason);
        var name = $"parley_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(DataExtensions.SqliteConnectionString(
                new DatabaseOptions { ConnectionString = ConnectionString }, _folder)));
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }

            return;
        }

        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
            {
                // An autovacuum worker is in the database, and only a superuser may end it: it leaves within moments.
                await Task.Delay(100);
            }
        }
    }
}
