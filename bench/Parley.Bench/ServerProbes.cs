using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Parley.Bench;

/// <summary>
/// The server's resident memory, read from /proc/{pid}/status every 150 ms: VmRSS now, the highest sample, and VmHWM
/// (the kernel's own high-water mark, which no sampling gap can miss). Past <see cref="CapBytes"/> it cancels
/// <see cref="OverCap"/>, so that a replay against an unprotected server stops before it takes the machine.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    public const long CapBytes = 6L * 1024 * 1024 * 1024;

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(150);
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _overCap = new();
    private readonly Task _loop;
    private long _peakSampled;

    public MemorySampler(int pid)
    {
        _pid = pid;
        _peakSampled = Read().Rss;
        _loop = Task.Run(SampleAsync);
    }

    public CancellationToken OverCap => _overCap.Token;

    public long PeakSampledBytes => Interlocked.Read(ref _peakSampled);

    /// <summary>VmRSS and VmHWM in bytes (from the Process class where there is no /proc).</summary>
    public (long Rss, long Hwm) Read()
    {
        var status = $"/proc/{_pid}/status";
        if (!File.Exists(status))
        {
            using var process = Process.GetProcessById(_pid);
            return (process.WorkingSet64, process.PeakWorkingSet64);
        }

        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line) * 1024;
            }
        }

        return (rss, hwm);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _overCap.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                long rss;
                try
                {
                    rss = Read().Rss;
                }
                catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
                {
                    return; // the server exited
                }

                if (rss > Interlocked.Read(ref _peakSampled))
                {
                    Interlocked.Exchange(ref _peakSampled, rss);
                }

                if (rss > CapBytes && !_overCap.IsCancellationRequested)
                {
                    await _overCap.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // "VmRSS:     123456 kB"
    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}

/// <summary>The database's size and its contact rows at one moment.</summary>
/// <param name="Bytes">SQLite: page_count × page_size (what the database holds, the WAL's committed pages included); PostgreSQL: pg_database_size.</param>
/// <param name="FileBytes">SQLite: the .db and -wal files on disk (the WAL file keeps its largest size until truncated); PostgreSQL: null.</param>
internal sealed record DatabaseFigures(long Bytes, long? FileBytes, long Contacts, long Identities);

/// <summary>Reads the server's database from the side: SQLite through its file (a reader beside Parley's writers, WAL mode), PostgreSQL through Npgsql.</summary>
internal static class DatabaseProbe
{
    public static Task<DatabaseFigures> MeasureAsync(ParleyHost parley) => parley.OnPostgres ? PostgresAsync(parley.ConnectionString) : SqliteAsync(parley.ConnectionString);

    private static async Task<DatabaseFigures> SqliteAsync(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var reader = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 };
        await using var connection = new SqliteConnection(reader.ConnectionString);
        await connection.OpenAsync();
        var bytes = await ScalarAsync(connection.CreateCommand(), "PRAGMA page_count") * await ScalarAsync(connection.CreateCommand(), "PRAGMA page_size");
        var contacts = await ScalarAsync(connection.CreateCommand(), "SELECT count(*) FROM contacts");
        var identities = await ScalarAsync(connection.CreateCommand(), "SELECT count(*) FROM contact_identities");
        var files = new[] { file, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        return new DatabaseFigures(bytes, files, contacts, identities);
    }

    private static async Task<DatabaseFigures> PostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var bytes = await ScalarAsync(connection.CreateCommand(), "SELECT pg_database_size(current_database())");
        var contacts = await ScalarAsync(connection.CreateCommand(), "SELECT count(*) FROM contacts");
        var identities = await ScalarAsync(connection.CreateCommand(), "SELECT count(*) FROM contact_identities");
        return new DatabaseFigures(bytes, null, contacts, identities);
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbCommand command, string sql)
    {
        await using (command)
        {
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
    }
}
