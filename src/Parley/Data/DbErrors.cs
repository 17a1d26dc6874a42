using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Parley.Data;

public static class DbErrors
{
    public static bool IsUniqueViolation(Exception exception)
    {
        var inner = exception is DbUpdateException { InnerException: { } e } ? e : exception;
        return inner switch
        {
            SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
            _ => false,
        };
    }
}
