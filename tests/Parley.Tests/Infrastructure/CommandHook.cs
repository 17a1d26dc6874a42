using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Runs a test's action once, right after the first database command that matches, to interleave another writer
/// deterministically (for example between the two queries of one request).
/// </summary>
public sealed class CommandHook : DbCommandInterceptor
{
    private Func<string, bool>? _match;
    private Func<Task>? _action;

    /// <summary>Whether the action ran.</summary>
    public bool Fired { get; private set; }

    /// <summary>Arms the hook; <paramref name="match"/> sees the SQL without identifier quotes (Npgsql leaves snake_case names bare).</summary>
    public void Once(Func<string, bool> match, Func<Task> action)
    {
        _action = action;
        Volatile.Write(ref _match, match);
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        var match = Volatile.Read(ref _match);
        if (match is not null && match(command.CommandText.Replace("\"", "", StringComparison.Ordinal))
            && Interlocked.CompareExchange(ref _match, null, match) == match)
        {
            Fired = true;
            await _action!();
        }

        return result;
    }
}
