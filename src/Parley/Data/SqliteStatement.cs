using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Parley.Data;

/// <summary>
/// One prepared SQLite statement run many times on a connection, its parameters bound by position. For the
/// statements Parley runs once per row in a hot loop (the insert of inbound messages, routing's batch writes): ADO.NET binds every
/// parameter by name on every run, which SQLite answers with a linear search of the statement's names.
/// </summary>
/// <remarks>
/// Values are stored as <see cref="Sql.Stored"/> and Microsoft.Data.Sqlite store them (enum by name, UTC time as
/// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, bool as 0 or 1), so rows written here read back the same through EF Core.
/// Bindings last until they are bound again: values common to every row are bound once. It runs inside the
/// connection's current transaction, like any other statement on it.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("Open the connection before preparing a statement.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds a value to the 1-based parameter position.</summary>
    public void Bind(int position, object? value)
    {
        var rc = Sql.Stored(value) switch
        {
            null => raw.sqlite3_bind_null(_statement, position),
            string s => raw.sqlite3_bind_text(_statement, position, s),
            long l => raw.sqlite3_bind_int64(_statement, position, l),
            int i => raw.sqlite3_bind_int64(_statement, position, i),
            bool b => raw.sqlite3_bind_int64(_statement, position, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(_statement, position, d),
            DateTime t => raw.sqlite3_bind_text(_statement, position, t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            var other => throw new ArgumentException($"No SQLite binding for {other.GetType().Name}.", nameof(value)),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>Binds a row's values to positions 1…n.</summary>
    public SqliteStatement Bind(object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            Bind(c + 1, values[c]);
        }

        return this;
    }

    /// <summary>Runs the statement (an insert) and returns the new row's id; the statement is then ready to run again.</summary>
    public long Insert()
    {
        Step();
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>Runs the statement (an update, or an insert whose id is not needed) and returns how many rows it wrote; the statement is then ready to run again.</summary>
    public int Run()
    {
        Step();
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Runs a query of one integer column; returns its first row's value, or null when it returns no row.</summary>
    public long? ReadInt64()
    {
        var rc = raw.sqlite3_step(_statement);
        var value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(_statement, 0) : (long?)null;
        raw.sqlite3_reset(_statement);
        if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return value;
    }

    private void Step()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
