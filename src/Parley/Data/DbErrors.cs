using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Parley.Data;

public static class DbErrors
{
    public static bool IsUniqueViolation(Exception exception) =>
        Cause(exception) switch
        {
            SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
            _ => false,
        };

    /// <summary>A row names one that does not exist (any more): a foreign key refused the write.</summary>
    public static bool IsForeignKeyViolation(Exception exception) =>
        Cause(exception) switch
        {
            SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 787,
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ForeignKeyViolation,
            _ => false,
        };

    /// <summary>The database's own exception behind EF's update exception.</summary>
    private static Exception Cause(Exception exception) => exception is DbUpdateException { InnerException: { } e } ? e : exception;

    /// <summary>
    /// The database refused for now, not for this request's fault: PostgreSQL out of connection slots (53300) or not
    /// accepting connections yet (57P03), a pool with no free connection in time, SQLite busy past its timeout.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow }:
                case NpgsqlException { InnerException: TimeoutException }:
                case SqliteException { SqliteErrorCode: 5 or 6 }:
                    return true;
            }
        }

        return false;
    }
}
