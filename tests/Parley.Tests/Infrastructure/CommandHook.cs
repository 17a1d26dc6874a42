using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Runs a test's action once, right after (or right before) the first database command that matches, to interleave
/// another writer deterministically (for example between the two queries of one request).
/// </summary>
public sealed class CommandHook : DbCommandInterceptor
{
    private Func<string, bool>? _match;
    private Func<Task>? _action;
    private bool _before;

    /// <summary>Whether the action ran.</summary>
    public bool Fired { get; private set; }

    /// <summary>Arms the hook; <paramref name="match"/> sees the SQL without identifier quotes (Npgsql leaves snake_case names bare).</summary>
    /// <param name="before">Run the action before the command executes, so the command sees what the action wrote.</param>
    public void Once(Func<string, bool> match, Func<Task> action, bool before = false)
    {
        _action = action;
        _before = before;
        Volatile.Write(ref _match, match);
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await FireAsync(command, before: true);
        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        await FireAsync(command, before: false);
        return result;
    }

    private async Task FireAsync(DbCommand command, bool before)
    {
        var match = Volatile.Read(ref _match);
        if (match is not null && _before == before && match(command.CommandText.Replace("\"", "", StringComparison.Ordinal))
            && Interlocked.CompareExchange(ref _match, null, match) == match)
        {
            Fired = true;
            await _action!();
        }
    }
}
