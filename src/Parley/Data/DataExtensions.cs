using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Parley.Data;

public static class DataExtensions
{
    public static WebApplicationBuilder AddParleyData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres.")
            .ValidateOnStart();

        builder.Services.AddSingleton<SqlitePragmas>();
        builder.Services.AddPooledDbContextFactory<ParleyDb>((services, options) =>
        {
            var db = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (db.Provider == DatabaseProvider.Postgres)
            {
                options.UseNpgsql(db.PostgresConnectionString());
            }
            else
            {
                var env = services.GetRequiredService<IWebHostEnvironment>();
                options.UseSqlite(SqliteConnectionString(db, env.ContentRootPath));
                options.AddInterceptors(services.GetRequiredService<SqlitePragmas>());
            }
        }, poolSize: 256);
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContext());
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddHostedService<MigrationStartup>();
        builder.Services.AddHostedService<WalCheckpointer>();
        return builder;
    }

    internal static string SqliteConnectionString(DatabaseOptions options, string contentRoot)
    {
        var connectionString = options.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var folder = Path.Combine(contentRoot, "data");
            Directory.CreateDirectory(folder);
            connectionString = $"Data Source={Path.Combine(folder, "parley.db")}";
        }

        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            DefaultTimeout = 30,
            Pooling = true,
        };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }

        return builder.ToString();
    }
}

/// <summary>
/// Sets the per-connection SQLite pragmas (WAL itself is persistent and set by the migrator), once per physical
/// connection: pooled connections keep their native handle, and its settings, between opens.
/// </summary>
internal sealed class SqlitePragmas(IOptions<DatabaseOptions> options) : DbConnectionInterceptor
{
    private readonly string _sql = Sql(options.Value);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _configured = [];

    /// <summary>The pragmas, also for connections opened outside EF (the write gate's).</summary>
    public static string Sql(DatabaseOptions options) => $"PRAGMA synchronous={options.SqliteSynchronous.ToUpperInvariant()}; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint={WalCheckpointer.FallbackPages(options)};";

    /// <summary>Opens a connection outside EF (the write gate's, the WAL checkpointer's) with the same pragmas.</summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, DatabaseOptions options, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Sql(options);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && _configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
        if (connection is SqliteConnection { Handle: { } opened })
        {
            _configured.AddOrUpdate(opened, opened);
        }
    }
}
