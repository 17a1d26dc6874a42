using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Parley.Bench;

/// <summary>
/// Customer messages arrive at a fixed rate whatever the server does (open loop), each one a message the bot
/// answers: twice a text it does not understand (it asks the topic again), then a quick-reply pick (it hands
/// over and tells the customer the queue position). Latency runs from the message's scheduled arrival to the
/// moment the customer's long poll returns the bot's reply, so queueing in the server or client is included.
/// </summary>
internal static class OpenLoop
{
    private const int MaxOutstanding = 4000;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    private const int TurnsPerConversation = 3;

    /// <summary>How many fresh conversations a run at this rate may need (each one carries three bot turns, one at a time).</summary>
    public static int PoolSize(int rate, TimeSpan duration) => (int)(rate * duration.TotalSeconds * 1.5 / TurnsPerConversation) + 50;

    public static async Task<Outcome> RunAsync(int rate, TimeSpan duration, IReadOnlyList<WidgetCustomer> pool, CpuProbe cpu)
    {
        // A customer the bot just answered speaks again before a new one starts, so every turn kind gets measured.
        var fresh = new ConcurrentQueue<(WidgetCustomer Customer, int Step)>(pool.Select(c => (c, 0)));
        var answered = new ConcurrentQueue<(WidgetCustomer Customer, int Step)>();
        var text = new Latencies();
        var pick = new Latencies();
        var unanswered = new Latencies();
        long errors = 0;
        long shed = 0;
        long sent = 0;
        var inFlight = 0;
        var tasks = new ConcurrentBag<Task>();
        using var giveUp = new CancellationTokenSource();
        var total = (long)(rate * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var startTicks = Stopwatch.GetTimestamp();
        cpu.Start();

        for (long next = 0; next < total;)
        {
            // Launch every arrival that is due; the rest of the time sleep about a millisecond.
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; next < due; next++)
            {
                var scheduled = startTicks + (long)(next * (double)Stopwatch.Frequency / rate);
                if (Volatile.Read(ref inFlight) >= MaxOutstanding || !(answered.TryDequeue(out var journey) || fresh.TryDequeue(out journey)))
                {
                    shed++;
                    continue;
                }

                sent++;
                Interlocked.Increment(ref inFlight);
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var isPick = journey.Step == TurnsPerConversation - 1;
                        var topic = WidgetCustomer.Topics[journey.Customer.ConversationId % WidgetCustomer.Topics.Length];
                        var seq = await journey.Customer.SendAsync(isPick ? topic.Title : WidgetCustomer.UnclearText, isPick ? topic.Id : null, giveUp.Token);
                        if (seq is null || !await journey.Customer.WaitForBotReplyAsync(seq.Value, giveUp.Token))
                        {
                            Interlocked.Increment(ref errors);
                            return;
                        }

                        (isPick ? pick : text).Add(Stopwatch.GetTimestamp() - scheduled);
                        if (!isPick)
                        {
                            answered.Enqueue((journey.Customer, journey.Step + 1));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // Still waiting when the drain ended: counted at its age then, so the percentiles are lower bounds.
                        unanswered.Add(Stopwatch.GetTimestamp() - scheduled);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }));
            }

            await Task.Delay(1);
        }

        var arrivalsDone = clock.Elapsed;
        giveUp.CancelAfter(Drain);
        await Task.WhenAll(tasks);
        var finished = clock.Elapsed;
        var (server, generator, others) = cpu.Stop();

        var all = new Latencies();
        all.AddRange(text);
        all.AddRange(pick);
        var replies = all.Count;
        all.AddRange(unanswered);
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"sent {sent / arrivalsDone.TotalSeconds:F0}/s; {replies} replies in {finished.TotalSeconds:F1} s; pick p99 {pick.Percentile(99):F1} ms, text p99 {text.Percentile(99):F1} ms");
        if (unanswered.Count > 0)
        {
            notes += string.Create(CultureInfo.InvariantCulture,
                $"; {unanswered.Count} unanswered {Drain.TotalSeconds:F0} s after the last arrival (counted at that age: percentiles are lower bounds)");
        }

        if (errors > 0 || shed > 0)
        {
            notes += string.Create(CultureInfo.InvariantCulture,
                $"; {errors} failed; {shed} arrivals not sent (no idle customer, or {MaxOutstanding} in flight)");
        }

        return new Outcome($"Bot reply, {rate} msg/s offered", "open loop, long poll", replies / finished.TotalSeconds, "replies/s",
            all.Percentile(50), all.Percentile(99), server, generator, others, notes);
    }
}
