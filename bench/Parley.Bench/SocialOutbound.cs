using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Contacts;
using Parley.Conversations;
using Parley.Data;

namespace Parley.Bench;

/// <summary>
/// The outbound dispatcher against a Send API that answers in <see cref="SocialOptions.LatencyMs"/> (issue 9, item 2).
/// Parley runs in the generator's process (<see cref="InProcessParley"/>) with <see cref="SocialOptions.Connections"/>
/// Messenger connections created by <see cref="ConnectionAdmin"/>, each at <see cref="SocialOptions.Rate"/> per second,
/// and <see cref="SocialOptions.Conversations"/> conversations spread over them, each opened by a customer's message.
/// Once the bot's replies are sent, the stand-in holds its answers while the bench writes every conversation's advisor
/// messages as the console does (<see cref="ConversationWriter.AddOutbound"/> in a transaction holding the row lock,
/// through the write gate); then it lets them go, and the clock starts. Everything is measured from the stand-in's side.
/// </summary>
internal static class SocialOutbound
{
    public static async Task<OutboundResult> RunAsync(SocialOptions options, GraphStandIn graph)
    {
        var perConversation = options.DurationSeconds * 1000 / Math.Max(1, options.LatencyMs);
        var settings = new Dictionary<string, string?> { ["Channels:Meta:GraphApiUrl"] = graph.BaseUrl.ToString() };
        if (options.PerConversation is { } per)
        {
            settings["Channels:Delivery:PerConversation"] = per.ToString(CultureInfo.InvariantCulture);
        }

        if (options.SendBatch is { } batch)
        {
            settings["Channels:Meta:SendBatch"] = batch.ToString(CultureInfo.InvariantCulture);
        }

        if (options.LeaseSpacingMs is { } spacing)
        {
            settings["Channels:Delivery:LeaseSpacing"] = TimeSpan.FromMilliseconds(spacing).ToString("c", CultureInfo.InvariantCulture);
        }

        Log($"Baseline: {options.Conversations} sequential loops straight to the stand-in, {options.WarmupSeconds} s warm-up");
        var baseline = await OutboundBaseline.RunAsync(options, graph);
        Log($"  {baseline.Rate:F0} msg/s, gap {baseline.GapMs:F1} ms (p99 {baseline.GapP99Ms:F1})");
        await using var parley = await InProcessParley.StartAsync(options.Postgres, settings);
        ThreadPool.GetMinThreads(out var minThreads, out _);
        Log($"Parley in process on {options.Database} (thread-pool minimum {minThreads}); {options.Connections} Messenger connections at {options.Rate}/s, {options.Conversations} conversations");
        var pages = await OpenConversationsAsync(parley, options);
        var inboxes = pages.Values.ToList();
        await UntilAsync(parley, async db => !await db.Deliveries.AnyAsync(d => d.Status == DeliveryState.Pending), "the bot's replies sent");
        var conversations = await parley.DbAsync(db => db.Conversations.Where(c => inboxes.Contains(c.InboxId)).Select(c => c.Id).ToListAsync());

        // Warm-up: the same sends for a few seconds, so the measured round runs on tiered-up code (in a first try without
        // it, the JIT's background thread took 40 % of the process's CPU during the measured round).
        var warmup = options.SendWarmupSeconds * 1000 / Math.Max(1, options.LatencyMs);
        if (warmup > 0)
        {
            var warming = Stopwatch.StartNew();
            await WriteAsync(parley, conversations, warmup, "warm-up");
            await UntilAsync(parley, async db => !await db.Deliveries.AnyAsync(d => d.Status == DeliveryState.Pending), "the warm-up sent");
            Log($"Warm-up: {conversations.Count} × {warmup} messages sent in {warming.Elapsed.TotalSeconds:F1} s");
        }

        graph.ClearSends();
        graph.Hold();
        var writing = Stopwatch.StartNew();
        await WriteAsync(parley, conversations, perConversation, "your parcel is on its way.");
        Log($"{conversations.Count} × {perConversation} advisor messages written in {writing.Elapsed.TotalSeconds:F1} s while the stand-in held its answers");

        var cpu = new CpuProbe(null);
        cpu.Start();
        var opened = graph.Open();
        var expected = conversations.Count * perConversation;
        var deadline = Stopwatch.StartNew();
        while (graph.SendCount < expected && deadline.Elapsed < TimeSpan.FromSeconds((options.DurationSeconds * 3) + 30))
        {
            await Task.Delay(100);
        }

        var (_, generator, others) = cpu.Stop();
        await UntilAsync(parley, async db => !await db.Deliveries.AnyAsync(d => d.Status == DeliveryState.Pending), "every delivery settled");
        var sentInDb = await parley.DbAsync(db => db.Messages.CountAsync(m => conversations.Contains(m.ConversationId)
            && m.AuthorKind == AuthorKind.Advisor && m.DeliveryStatus == DeliveryStatus.Sent)) - (conversations.Count * warmup);
        return OutboundResult.From(options, graph.Sends(), opened, pages.Keys.ToHashSet(), conversations.Count, perConversation, sentInDb, generator, others)
            with { Baseline = baseline, MinThreads = minThreads, Requests = graph.RequestCount };
    }

    /// <summary>The connections (page id → inbox id), and a customer's first message on each conversation.</summary>
    private static async Task<Dictionary<string, long>> OpenConversationsAsync(InProcessParley parley, SocialOptions options)
    {
        var accountId = await parley.DbAsync(db => db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).FirstAsync());
        var pages = new Dictionary<string, long>();
        var perConnection = options.Conversations / options.Connections;
        for (var c = 0; c < options.Connections; c++)
        {
            var pageId = (200_000_000_000_000L + c).ToString(CultureInfo.InvariantCulture);
            var connection = await parley.Service<ConnectionAdmin>().CreateAsync(
                new ConnectionDraft(ChannelKind.Messenger, accountId, $"Bench page {c}", pageId, "bench-access-token", "bench-app-secret", "bench-verify-token", options.Rate),
                declared: false, CancellationToken.None);
            pages[pageId] = connection.InboxId;
            var inbox = await parley.Service<InboxDirectory>().FindAsync(connection.InboxId, CancellationToken.None)
                ?? throw new InvalidOperationException("The connection has no inbox.");
            for (var i = 0; i < perConnection; i++)
            {
                var psid = (300_000_000_000_000L + (c * 1000) + i).ToString(CultureInfo.InvariantCulture);
                var contact = await parley.Service<ContactDirectory>().FindOrCreateAsync(inbox, psid, verified: true, null, CancellationToken.None);
                await parley.Service<ConversationEngine>().AcceptAsync(
                    new InboundMessage(inbox, contact, $"mid.open.{psid}", ContentType.Text, "Hello, I need help with a parcel"), CancellationToken.None);
            }
        }

        var inboxes = pages.Values.ToList();
        await UntilAsync(parley, async db => await db.Conversations.CountAsync(c => inboxes.Contains(c.InboxId)) == options.Conversations
            && !await db.Messages.AnyAsync(m => inboxes.Contains(m.InboxId) && !m.Processed), "the conversations opened and the bot answered");
        return pages;
    }

    /// <summary>Each conversation's advisor messages, numbered 0.. in their text, in one transaction per conversation.</summary>
    private static async Task WriteAsync(InProcessParley parley, List<long> conversations, int count, string text)
    {
        var writer = parley.Service<ConversationWriter>();
        var gate = parley.Service<WriteGate>();
        var dbs = parley.Service<IDbContextFactory<ParleyDb>>();
        foreach (var conversationId in conversations)
        {
            var events = new List<ConversationEvent>();
            using (var pass = await gate.EnterAsync(CancellationToken.None))
            {
                await using var db = await pass.CreateDbContextAsync(dbs, CancellationToken.None);
                await using var transaction = await db.Database.BeginTransactionAsync();
                await EngineStore.LockConversationsAsync(db, [conversationId], CancellationToken.None);
                var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId);
                for (var n = 0; n < count; n++)
                {
                    writer.AddOutbound(db, conversation, AuthorKind.Advisor, "Marie", ContentType.Text,
                        n.ToString(CultureInfo.InvariantCulture) + ": " + text, null, events);
                }

                writer.Touch(conversation);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
            }

            writer.Publish(events);
        }
    }

    private static async Task UntilAsync(InProcessParley parley, Func<ParleyDb, Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await parley.DbAsync(condition))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"Waited 3 minutes for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static void Log(string line) => BenchLog.Write(line);
}
