using Parley.Channels.Webhooks;

namespace Parley.Tests.Channels.Webhooks;

/// <summary>
/// A webhook's events are stored together: different customers' at once, each customer's one after the other, and a
/// customer's events after a failed one are not stored (the webhook's retry stores them in order).
/// </summary>
public sealed class CustomerLinesTests
{
    [Fact]
    public async Task Different_customers_start_at_once_and_a_customers_next_event_waits_for_the_one_before()
    {
        var lines = new CustomerLines();
        var firstOfAnn = new TaskCompletionSource();
        var firstOfBob = new TaskCompletionSource();
        var started = new List<string>();
        lines.Add("page/ann", () => Record(started, "ann-1", firstOfAnn.Task));
        lines.Add("page/bob", () => Record(started, "bob-1", firstOfBob.Task));
        lines.Add("page/ann", () => Record(started, "ann-2", Task.CompletedTask));
        var drained = lines.DrainAsync();

        // Bob's first started while Ann's first is unfinished; Ann's second has not.
        Assert.Equal(["ann-1", "bob-1"], Snapshot(started));
        firstOfBob.SetResult();
        Assert.Equal(["ann-1", "bob-1"], Snapshot(started));
        Assert.False(drained.IsCompleted);

        firstOfAnn.SetResult();
        await drained;
        Assert.Equal(["ann-1", "bob-1", "ann-2"], Snapshot(started));
    }

    [Fact]
    public async Task A_failed_event_stops_its_customers_later_events_and_no_one_elses()
    {
        var lines = new CustomerLines();
        var started = new List<string>();
        lines.Add("page/ann", () => Record(started, "ann-1", Task.FromException(new TimeoutException("the database did not answer"))));
        lines.Add("page/bob", () => Record(started, "bob-1", Task.Delay(20)));
        lines.Add("page/ann", () => Record(started, "ann-2", Task.CompletedTask));
        lines.Add("page/bob", () => Record(started, "bob-2", Task.CompletedTask));

        var failure = await Assert.ThrowsAsync<TimeoutException>(lines.DrainAsync);

        Assert.Equal("the database did not answer", failure.Message);
        Assert.Equal(["ann-1", "bob-1", "bob-2"], Snapshot(started));
        await lines.SettleAsync();
    }

    private static async Task Record(List<string> started, string name, Task work)
    {
        lock (started)
        {
            started.Add(name);
        }

        await work;
    }

    private static List<string> Snapshot(List<string> started)
    {
        lock (started)
        {
            return [.. started];
        }
    }
}
