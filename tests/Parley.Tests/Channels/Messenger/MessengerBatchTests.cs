using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.Delivery;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Channels.Delivery;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Messenger;

/// <summary>
/// A conversation's waiting messages go to Meta in one Graph batch request, each call depending on the one before it, so
/// they arrive in order in one round trip; what the platform did with each call decides what happens to its message.
/// </summary>
public sealed class MessengerBatchTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_conversations_waiting_messages_go_in_one_batch_in_order_each_with_its_own_message_id(DatabaseProvider provider)
    {
        await using var world = await MetaWorld.StartAsync(ChannelKind.Messenger, provider);
        var (conversation, before) = await ConversationAsync(world);

        await PushChannel.AddAsync(world.App, conversation, "one", "two", "three");
        await PushChannel.UntilSettledAsync(world.App);

        Assert.Equal(["one", "two", "three"], Texts(world, before));
        Assert.Equal([("call0", null), ("call1", "call0"), ("call2", "call1")], world.Graph.Batches.Last());
        var sent = (await world.MessagesAsync(conversation)).Where(m => m.AuthorKind == AuthorKind.Advisor).ToList();
        Assert.All(sent, m => Assert.Equal(DeliveryStatus.Sent, m.DeliveryStatus));
        var ids = sent.Select(m => int.Parse(m.ChannelMessageId!["m_sent_".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order().Distinct(), ids);
        Assert.True(await world.App.DbAsync(db => db.Deliveries.AllAsync(d => d.Attempts == 1)));
    }

    [Fact]
    public async Task A_throttled_call_is_retried_and_the_calls_after_it_go_again_once_in_order()
    {
        await using var world = await MetaWorld.StartAsync();
        var (conversation, before) = await ConversationAsync(world);
        await SendWithTwoThrottledOnceAsync(world, conversation);

        // "three" was not run after the throttled "two": it went once, after "two" went.
        Assert.Equal(["one", "two", "two", "three"], Texts(world, before));
        Assert.Equal([3, 2], world.Graph.Batches.TakeLast(2).Select(b => b.Count));
        var attempts = await world.App.DbAsync(db => db.Deliveries.Where(d => d.ConversationId == conversation).OrderBy(d => d.Id).Select(d => d.Attempts).ToListAsync());
        Assert.Equal([1, 2, 1], attempts.TakeLast(3));
        await Task.Delay(300);
        Assert.Equal(4, Texts(world, before).Count);
    }

    [Fact]
    public async Task A_call_that_went_after_a_throttled_one_is_kept_as_sent_and_never_sent_again()
    {
        await using var world = await MetaWorld.StartAsync();
        var (conversation, before) = await ConversationAsync(world);
        world.Graph.IgnoresDependencies = true;
        await SendWithTwoThrottledOnceAsync(world, conversation);

        Assert.Equal(["one", "two", "three", "two"], Texts(world, before));
        await Task.Delay(300);
        Assert.Equal(4, Texts(world, before).Count);
    }

    [Fact]
    public async Task A_call_the_platform_refuses_fails_its_message_alone_and_the_next_ones_still_go()
    {
        await using var world = await MetaWorld.StartAsync();
        var (conversation, before) = await ConversationAsync(world);
        world.Graph.Respond = r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && Text(r) == "two"
            ? MetaWorld.GraphError(400, 551, "This person isn't available right now.", 1545041)
            : world.Answer(r);

        await PushChannel.AddAsync(world.App, conversation, "one", "two", "three");
        await PushChannel.UntilSettledAsync(world.App);

        Assert.Equal(["one", "two", "three"], Texts(world, before));
        var messages = (await world.MessagesAsync(conversation)).Where(m => m.AuthorKind == AuthorKind.Advisor).ToList();
        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Failed, DeliveryStatus.Sent], messages.Select(m => m.DeliveryStatus));
        Assert.Equal("(#551/1545041) This person isn't available right now.", messages[1].FailureReason);
    }

    [Fact]
    public async Task With_a_batch_of_one_each_message_goes_in_its_own_request()
    {
        await using var world = await MetaWorld.StartAsync(settings: new Dictionary<string, string?> { ["Channels:Meta:SendBatch"] = "1" });
        var (conversation, before) = await ConversationAsync(world);

        await PushChannel.AddAsync(world.App, conversation, "one", "two", "three");
        await PushChannel.UntilSettledAsync(world.App);

        Assert.Equal(["one", "two", "three"], Texts(world, before));
        Assert.Empty(world.Graph.Batches);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    public async Task A_batch_size_out_of_graphs_range_stops_the_start_with_the_setting_named(string size)
    {
        await using var app = new ParleyApplication(DatabaseProvider.Sqlite) { Settings = { ["Channels:Meta:SendBatch"] = size } };
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains("Channels:Meta:SendBatch must be from 1 to 50", error.ToString(), StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    /// <summary>Writes "one", "two", "three"; Meta throttles "two" once; the clock moves on until every message is sent.</summary>
    private static async Task SendWithTwoThrottledOnceAsync(MetaWorld world, long conversation)
    {
        var throttled = 1;
        world.Graph.Respond = r => r.Path.EndsWith("/messages", StringComparison.Ordinal) && Text(r) == "two" && Interlocked.Decrement(ref throttled) >= 0
            ? MetaWorld.GraphError(400, 613, "Calls to this api have exceeded the rate limit.")
            : world.Answer(r);

        await PushChannel.AddAsync(world.App, conversation, "one", "two", "three");
        await Expect.UntilAsync(() => world.App.DbAsync(db => db.Deliveries.AnyAsync(d => d.Attempts == 1 && d.LastError!.Contains("613"))), "the throttled answer");
        await Expect.UntilAsync(async () =>
        {
            world.App.Clock.Advance(TimeSpan.FromMinutes(2));
            world.App.Service<OutboundSignal>().Ring();
            return await world.App.DbAsync(db => db.Deliveries.AllAsync(d => d.Status == DeliveryState.Sent));
        }, "every message delivered");
    }

    /// <summary>A customer's conversation with the bot's greeting sent, and how many calls were made so far.</summary>
    private static async Task<(long Conversation, int Before)> ConversationAsync(MetaWorld world)
    {
        await world.PostAsync(world.Body(world.Text("psid-ann", "mid.1", "hi")));
        var conversation = await world.ConversationOfAsync("psid-ann");
        await Expect.UntilAsync(
            () => world.App.DbAsync(async db => await db.Deliveries.AnyAsync() && await db.Deliveries.AllAsync(d => d.Status != DeliveryState.Pending)), "the greeting sent");
        return (conversation.Id, world.Graph.To("/messages").Count);
    }

    /// <summary>The advisor's texts the Send API was called with after the first <paramref name="skip"/> calls, signature left off.</summary>
    private static List<string> Texts(MetaWorld world, int skip) =>
        world.Graph.To("/messages").Skip(skip).Select(Text).OfType<string>().ToList();

    private static string? Text(RecordedRequest request) =>
        request.Json.TryGetProperty("message", out var message) && message.TryGetProperty("text", out var text) ? text.GetString()!.Split("\n\n—")[0] : null;
}
