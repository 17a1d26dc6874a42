using System.Threading.Channels;

namespace Parley.Data;

/// <summary>
/// Group commit's loop: items handed in by many callers are written by one loop, as many at once as arrived while the
/// last batch was written (up to a maximum). Started by the first item; disposing it writes what was handed in, then ends.
/// </summary>
/// <param name="write">Writes one batch; it must deal with its own failures (the loop goes on to the next batch).</param>
public sealed class BatchLoop<T>(Func<List<T>, Task> write, int maxBatch) : IAsyncDisposable
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <returns>False once the loop is disposed (shutting down).</returns>
    public bool Add(T item)
    {
        if (_loop is null)
        {
            lock (_startLock)
            {
                _loop ??= Task.Run(RunAsync);
            }
        }

        return _queue.Writer.TryWrite(item);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<T>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await write(batch);
        }
    }
}
