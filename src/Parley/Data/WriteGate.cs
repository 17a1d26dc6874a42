using Microsoft.Extensions.Options;

namespace Parley.Data;

/// <summary>
/// Serialises this process's hot write transactions on SQLite, which has one writer at a time: waiting here
/// is a queue, while waiting inside SQLite is its busy handler, which sleeps in steps of up to 100 ms.
/// PostgreSQL writes concurrently, so there the gate is open.
/// </summary>
public sealed class WriteGate(IOptions<DatabaseOptions> options) : IDisposable
{
    private readonly SemaphoreSlim? _semaphore = options.Value.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    public async ValueTask<Pass> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is not null)
        {
            await _semaphore.WaitAsync(cancellationToken);
        }

        return new Pass(_semaphore);
    }

    public void Dispose() => _semaphore?.Dispose();

    public readonly struct Pass(SemaphoreSlim? semaphore) : IDisposable
    {
        /// <summary>True when this pass excludes every other gated writer of the process (SQLite).</summary>
        public bool IsExclusive => semaphore is not null;

        public void Dispose() => semaphore?.Release();
    }
}
