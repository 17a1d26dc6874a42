using Parley.Data;

namespace Parley.Tests.Data;

/// <summary>
/// Group commit's loop: every item handed in is written once, in the order handed in, in batches of what arrived
/// meanwhile; disposing it writes what is still queued. The loop on a thread of its own (the webhook journal's) never
/// takes a thread-pool thread, so a write that blocks on its I/O holds none of the pool's.
/// </summary>
public sealed class BatchLoopTests
{
    [Fact]
    public async Task A_loop_on_its_own_thread_writes_everything_once_in_order_and_never_on_the_thread_pool()
    {
        var written = new List<int>();
        var batches = 0;
        var onPool = 0;
        var threads = new HashSet<int>();
        var first = new ManualResetEventSlim();
        var loop = new BatchLoop<int>(batch =>
        {
            onPool += Thread.CurrentThread.IsThreadPoolThread ? 1 : 0;
            threads.Add(Environment.CurrentManagedThreadId);
            batches++;
            written.AddRange(batch);
            // The first write blocks, as a database round trip does: what is handed in meanwhile goes in one batch.
            first.Wait(TimeSpan.FromSeconds(10));
        }, maxBatch: 50, name: "test batches");

        loop.Add(0);
        for (var i = 1; i <= 120; i++)
        {
            loop.Add(i);
        }

        first.Set();
        await loop.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 121), written);
        Assert.Equal(0, onPool);
        Assert.Single(threads);
        Assert.InRange(batches, 3, 4);
        Assert.False(loop.Add(121));
    }
}
