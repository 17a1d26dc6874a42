using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Channels;
using Parley.Conversations;
using Parley.Contacts;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Channels.Delivery;

/// <summary>
/// A push channel for testing the dispatcher itself: it records what it was asked to send (one log, shared by every
/// host it is registered in) and answers as the test says. The real connectors are tested against platform stand-ins.
/// </summary>
public sealed class RecordingConnector(ChannelKind kind = ChannelKind.X, ConcurrentQueue<RecordingConnector.Sent>? log = null, string name = "node") : IChannelConnector
{
    private int _calls;

    public ChannelKind Kind => kind;

    public ChannelCapabilities Capabilities { get; } = new(
        QuickReplies: false, ListPicker: false, Attachments: false, TypingIndicators: false, ReadReceipts: false,
        PullDelivery: false, ReplyWindow: null, SendRatePerSecond: 100_000);

    /// <summary>What the platform accepted, in the order it accepted it.</summary>
    public ConcurrentQueue<Sent> Accepted { get; } = log ?? new();

    /// <summary>Every call, accepted or not.</summary>
    public int Calls => _calls;

    /// <summary>The platform's answer to a call (null: accepted).</summary>
    public Func<OutboundMessage, SendResult?>? Answer { get; set; }

    /// <summary>Awaited before answering: a call that hangs (a node that stopped in the middle of a send).</summary>
    public Func<OutboundMessage, Task>? Hold { get; set; }

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(Random.Shared.Next(0, 3), cancellationToken);
        if (Hold is { } hold)
        {
            await hold(message);
        }

        if (Answer?.Invoke(message) is { } refused)
        {
            return refused;
        }

        Accepted.Enqueue(new Sent(message.Message.ConversationId, message.Message.Id, message.Message.Seq, message.Message.Text ?? string.Empty, message.RecipientId, name));
        return SendResult.Sent($"provider-{message.Message.Id}");
    }

    public sealed record Sent(long ConversationId, long MessageId, long Seq, string Text, string RecipientId, string Node);
}

/// <summary>Conversations on a push inbox of the demo account, and business-side messages added to them.</summary>
public static class PushChannel
{
    public static Action<IServiceCollection> With(RecordingConnector connector) => services => services.AddSingleton<IChannelConnector>(connector);

    /// <summary>A push inbox whose bot only greets (no topics, no handoff), so each new conversation gets one message.</summary>
    public static Task<Inbox> InboxAsync(ParleyApplication app, ChannelKind kind = ChannelKind.X) => app.DbAsync(async db =>
    {
        var inbox = new Inbox
        {
            AccountId = await db.Accounts.Select(a => a.Id).FirstAsync(),
            Name = "Push",
            Channel = kind,
            SettingsJson = new InboxSettings { Greeting = "Hello from the bot" }.ToJson(),
            CreatedAt = DateTime.UtcNow,
        };
        db.Inboxes.Add(inbox);
        await db.SaveChangesAsync();
        return inbox;
    });

    public static async Task<List<long>> ConversationsAsync(ParleyApplication app, Inbox inbox, int count)
    {
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var contact = await app.Service<ContactDirectory>().FindOrCreateAsync(inbox, $"user-{i}", verified: true, null, CancellationToken.None);
            ids.Add((await app.Service<ConversationEngine>().OpenAsync(inbox, contact, CancellationToken.None)).Id);
        }

        return ids;
    }

    /// <summary>Adds advisor messages to a conversation as the console's writers do (row lock, numbered, then published).</summary>
    public static async Task AddAsync(ParleyApplication app, long conversationId, params string[] texts)
    {
        var writer = app.Service<ConversationWriter>();
        var events = new List<ConversationEvent>();
        await app.DbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await EngineStore.LockConversationsAsync(db, [conversationId], CancellationToken.None);
            var conversation = await db.Conversations.FirstAsync(c => c.Id == conversationId);
            foreach (var text in texts)
            {
                writer.AddOutbound(db, conversation, AuthorKind.Advisor, "Marie", ContentType.Text, text, null, events);
            }

            writer.Touch(conversation);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return 0;
        });
        writer.Publish(events);
    }

    /// <summary>Waits until no delivery is pending (or the condition holds), then for the settler to have written.</summary>
    public static Task UntilSettledAsync(ParleyApplication app, Func<ParleyDb, Task<bool>>? done = null, int seconds = 30) =>
        Expect.UntilAsync(() => app.DbAsync(db => done?.Invoke(db) ?? db.Deliveries.AllAsync(d => d.Status != Parley.Channels.Delivery.DeliveryState.Pending)),
            "deliveries settled", TimeSpan.FromSeconds(seconds));
}
