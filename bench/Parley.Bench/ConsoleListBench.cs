using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Parley.Console;
using Parley.Data;

namespace Parley.Bench;

/// <summary>
/// <c>--console-list [--postgres "Host=…"] [--conversations 1000000] [--messages 10000000] [--calls 200] [--keep]</c>:
/// a fresh database made by Parley's own migrator, filled in bulk (<see cref="ConsoleListLoad"/>), then every console
/// list query timed in process through <see cref="ConsoleQueries.PageAsync"/>. <c>--keep</c> leaves the database
/// behind (for reading query plans) and prints where it is. <c>--reuse "connection string"</c> measures a kept database
/// again (same <c>--conversations</c> and <c>--messages</c>) after applying the migrations added since, without filling it.
/// <c>--only "words"</c> measures only the queries whose name holds them (to read one query's plan in the server's log).
/// </summary>
internal sealed record ConsoleListOptions(string? Postgres, int Conversations, long Messages, int Calls, bool Keep, string? Reuse = null, string? Only = null)
{
    public const string Usage = "usage: Parley.Bench --console-list [--postgres \"Host=…\"] [--conversations 1000000] [--messages 10000000] [--calls 200] [--keep] [--reuse \"Data Source=…|Host=…\"] [--only \"query name part\"]";

    public static ConsoleListOptions Parse(string[] args)
    {
        var options = new ConsoleListOptions(null, 1_000_000, 10_000_000, 200, false);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--console-list" or "--keep")
            {
                options = args[i] == "--keep" ? options with { Keep = true } : options;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--postgres" => options with { Postgres = value },
                "--conversations" => options with { Conversations = (int)Positive(value, args[i]) },
                "--messages" => options with { Messages = Positive(value, args[i]) },
                "--calls" => options with { Calls = (int)Positive(value, args[i]) },
                "--reuse" => options with { Reuse = value, Keep = true },
                "--only" => options with { Only = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
            i++;
        }

        return options;
    }

    private static long Positive(string value, string name) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= int.MaxValue * 10L
            ? n
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.\n{Usage}");
}

internal static class ConsoleListBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        ConsoleListOptions options;
        try
        {
            options = ConsoleListOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            System.Console.Error.WriteLine(e.Message);
            return 2;
        }

        if (options.Reuse is { } reused)
        {
            return await MeasureKeptAsync(options, reused);
        }

        var folder = Directory.CreateTempSubdirectory("parley-list-bench-").FullName;
        var database = options.Postgres is null ? null : $"parley_list_bench_{Guid.NewGuid():N}";
        var connectionString = database is null
            ? $"Data Source={Path.Combine(folder, "parley.db")}"
            : new NpgsqlConnectionStringBuilder(options.Postgres) { Database = database }.ConnectionString;
        if (database is not null)
        {
            await ParleyHost.PostgresAsync(options.Postgres!, $"CREATE DATABASE {database}");
        }

        try
        {
            await using var app = Host(folder, database is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, connectionString);
            await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
            var data = new ConsoleListData(options.Conversations, options.Messages, DateTime.UtcNow);
            BenchLog.Write($"Console list bench on {(database is null ? "SQLite" : "PostgreSQL")}: {options.Conversations:N0} conversations, ~{options.Messages:N0} messages");
            var fill = Stopwatch.StartNew();
            await using (DbConnection connection = database is null ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await ConsoleListLoad.FillAsync(connection, data);
            }

            BenchLog.Write($"Filled in {fill.Elapsed.TotalSeconds:F0} s");
            await MeasureAsync(app, data, options, database is null ? "SQLite" : "PostgreSQL", $"filled in {fill.Elapsed.TotalSeconds:F0} s");
            return 0;
        }
        finally
        {
            if (options.Keep)
            {
                BenchLog.Write($"Database kept: {connectionString}");
            }
            else
            {
                if (database is not null)
                {
                    try
                    {
                        await ParleyHost.PostgresAsync(options.Postgres!, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                    {
                        // FORCE ends the other sessions, autovacuum's among them (busy on a fresh fill), which needs the
                        // pg_signal_backend role; the figures are printed already.
                        BenchLog.Write($"Database {database} not dropped ({e.MessageText}): drop it when autovacuum is done.");
                    }
                }

                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>A database kept by an earlier run: Parley's migrations added since are applied (timed), then every query measured.</summary>
    private static async Task<int> MeasureKeptAsync(ConsoleListOptions options, string connectionString)
    {
        var postgres = connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase);
        var folder = Directory.CreateTempSubdirectory("parley-list-bench-").FullName;
        try
        {
            await using var app = Host(folder, postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite, connectionString);
            var migrate = Stopwatch.StartNew();
            await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
            BenchLog.Write($"Console list bench on a kept {(postgres ? "PostgreSQL" : "SQLite")} database; migrations since applied in {migrate.Elapsed.TotalSeconds:F0} s");
            var data = new ConsoleListData(options.Conversations, options.Messages, DateTime.UtcNow);
            await MeasureAsync(app, data, options, postgres ? "PostgreSQL" : "SQLite", $"kept database, migrations applied in {migrate.Elapsed.TotalSeconds:F0} s");
            BenchLog.Write($"Database kept: {connectionString}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task MeasureAsync(WebApplication app, ConsoleListData data, ConsoleListOptions options, string database, string origin)
    {
        var queries = new ConsoleQueries(app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>(), TimeProvider.System);
        var figures = new List<ListFigure>();
        foreach (var advisor in ConsoleListQueries.Advisors())
        {
            foreach (var query in ConsoleListQueries.For(advisor, data).Where(q => options.Only is null || q.Name.Contains(options.Only, StringComparison.OrdinalIgnoreCase)))
            {
                figures.Add(await ConsoleListQueries.MeasureAsync(queries, query, options.Calls));
                var f = figures[^1];
                BenchLog.Write($"{f.Query.Name}, {ConsoleListQueries.Who(advisor)}: {f.Rows} rows, p50 {f.P50Ms:F1} ms, p99 {f.P99Ms:F1} ms ({f.Calls} calls)");
            }
        }

        System.Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; "
            + $"{database}; {options.Conversations:N0} conversations, ~{options.Messages:N0} messages; {origin}.");
        System.Console.WriteLine();
        System.Console.WriteLine(ConsoleListQueries.Markdown(figures));
    }

    /// <summary>Parley's data services as the app registers them (pooled contexts, SQLite pragmas, the migrator); no workers run.</summary>
    private static WebApplication Host(string folder, DatabaseProvider provider, string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration["Database:Provider"] = provider.ToString();
        builder.Configuration["Database:ConnectionString"] = connectionString;
        builder.Logging.ClearProviders();
        builder.AddParleyData();
        return builder.Build();
    }
}
