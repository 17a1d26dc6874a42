using System.Threading.Channels;

namespace Parley.Data;

/// <summary>
/// Group commit's loop: items handed in by many callers are written by one loop, as many at once as arrived while the
/// last batch was written (up to a maximum). Started by the first item; disposing it writes what was handed in, then ends.
/// </summary>
public sealed class BatchLoop<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private readonly Func<Task> _run;
    private readonly int _maxBatch;
    private Task? _loop;

    /// <param name="write">Writes one batch; it must deal with its own failures (the loop goes on to the next batch).</param>
    public BatchLoop(Func<List<T>, Task> write, int maxBatch)
    {
        _maxBatch = maxBatch;
        _run = () => Task.Run(async () =>
        {
            var batch = new List<T>(maxBatch);
            while (await _queue.Reader.WaitToReadAsync())
            {
                await write(Next(batch));
            }
        });
    }

    /// <summary>
    /// A loop on a thread of its own, for a <paramref name="write"/> that waits for its I/O synchronously: the database's
    /// answer then wakes the writer directly. On the thread pool, each step of a write queues behind the requests that
    /// keep the pool busy in a burst (the webhook journal on PostgreSQL: docs/PERFORMANCE.md).
    /// </summary>
    /// <param name="write">Writes one batch; it must deal with its own failures (the loop goes on to the next batch).</param>
    /// <param name="name">The thread's name.</param>
    public BatchLoop(Action<List<T>> write, int maxBatch, string name)
    {
        _maxBatch = maxBatch;
        _run = () =>
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                try
                {
                    var batch = new List<T>(maxBatch);
                    while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    {
                        write(Next(batch));
                    }

                    ended.SetResult();
                }
                catch (Exception e)
                {
                    ended.SetException(e);
                }
            })
            { IsBackground = true, Name = name }.Start();
            return ended.Task;
        };
    }

    /// <returns>False once the loop is disposed (shutting down).</returns>
    public bool Add(T item)
    {
        if (_loop is null)
        {
            lock (_startLock)
            {
                _loop ??= _run();
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

    private List<T> Next(List<T> batch)
    {
        batch.Clear();
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }

        return batch;
    }
}
