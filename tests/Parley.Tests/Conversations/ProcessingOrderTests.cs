using Microsoft.EntityFrameworkCore;
using Parley.Channels;
using Parley.Channels.WebMessaging;
using Parley.Conversations;
using Parley.Data;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>
/// The bot handles a conversation's messages in the order they were accepted, whichever path processes them.
/// </summary>
/// <remarks>
/// The customer sends three messages before the bot saw any: something the bot does not understand, then "Bank",
/// then "Parcels". In order, the bot asks again, then hands over to the Bank queue, and "Parcels" reaches a queued
/// conversation, which only touches it. Handled in any other order, the conversation ends in the Parcels queue or the
/// bot never asks again: every path below takes at least two of the three in one run.
/// </remarks>
public sealed class ProcessingOrderTests
{
    private const string NotUnderstood = "Is it you, the one I talked to last week?";

    private static readonly (string Text, string? ReplyTo)[] Sent =
        [(NotUnderstood, null), ("Bank", "bank"), ("Parcels", "parcels")];

    [Theory, OnSqlite, OnPostgres]
    public async Task Messages_left_unprocessed_are_handled_in_accepted_order_after_a_restart(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var clock = new TestClock();
        string refreshToken;
        await using (var paused = new ParleyApplication(database, clock, processInbound: false))
        {
            using var customer = await paused.GuestAsync();
            refreshToken = customer.Session!.RefreshToken;
            await customer.OpenAsync();
            foreach (var (text, replyTo) in Sent)
            {
                await customer.SendAsync(text, replyTo);
            }
        }

        // The restarted host's sweep finds all three waiting and hands them to a partition loop together.
        await using var app = new ParleyApplication(database, clock);
        using var back = await app.ReturningGuestAsync(refreshToken);
        await AssertHandledInOrderAsync(app, back);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task One_message_at_a_time_the_oldest_is_handled_first(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database, processInbound: false);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        foreach (var (text, replyTo) in Sent)
        {
            await customer.SendAsync(text, replyTo);
        }

        // The partition loops' fallback after a failed batch: one message per transaction.
        var processor = app.Service<InboundProcessor>();
        for (var i = 0; i < Sent.Length; i++)
        {
            Assert.True(await processor.ProcessNextAsync(conversationId, CancellationToken.None), $"Message {i + 1} of {Sent.Length} was not found unprocessed.");
        }

        Assert.False(await processor.ProcessNextAsync(conversationId, CancellationToken.None));
        await AssertHandledInOrderAsync(app, customer);
    }

    [Fact]
    public async Task Messages_stored_in_one_batch_are_handled_in_order_by_the_writer_on_sqlite()
    {
        await using var app = new ParleyApplication(DatabaseProvider.Sqlite);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        var contactId = await app.ContactOfAsync(conversationId);
        var inbox = await app.DemoInboxAsync();
        var engine = app.Service<ConversationEngine>();

        // While the test holds the write gate, the writer cannot store anything: the three messages queue up in the
        // order they were accepted, and at most the first is stored alone. The writer then stores the others in one
        // transaction and processes them at once, still holding the gate (InboundProcessor.ProcessAcceptedAsync).
        var accepted = new List<Task<AcceptResult>>();
        using (await app.Service<WriteGate>().EnterAsync(CancellationToken.None))
        {
            for (var i = 0; i < Sent.Length; i++)
            {
                var (text, replyTo) = Sent[i];
                accepted.Add(engine.AcceptAsync(
                    new InboundMessage(inbox, contactId, $"order-{i}", ContentType.Text, text, replyTo), CancellationToken.None));
            }

            Assert.DoesNotContain(accepted, a => a.IsCompleted);
        }

        var results = await Task.WhenAll(accepted);
        Assert.Equal(results.Select(r => r.Seq).Order(), results.Select(r => r.Seq));
        await AssertHandledInOrderAsync(app, customer);
    }

    /// <summary>Waits until every message is processed, then checks what the bot did, in seq order.</summary>
    private static async Task AssertHandledInOrderAsync(ParleyApplication app, WidgetClient customer)
    {
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await Expect.UntilAsync(
            async () => await app.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversationId && !m.Processed)) == 0,
            "every message processed");

        var messages = (await customer.MessagesAsync()).Messages;
        var transcript = string.Join("\n", messages.Select(m => $"{m.Seq} {m.AuthorKind}: {m.Text}"));
        Assert.Equal(Sent.Select(s => s.Text), messages.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.Text));
        var bot = messages.Where(m => m.AuthorKind == AuthorKind.Bot).Skip(1).Select(m => m.Text!).ToList();
        Assert.True(bot.Count == 2, $"Expected the bot to ask again, then hand over to Bank. Transcript:\n{transcript}");
        Assert.StartsWith("Sorry, I didn't get that.", bot[0], StringComparison.Ordinal);
        Assert.Contains("about Bank", bot[1], StringComparison.Ordinal);

        var bankQueue = await app.DbAsync(db => db.Queues.Where(q => q.Name == "Bank").Select(q => q.Id).FirstAsync());
        var conversation = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.Equal((ConversationStatus.Queued, bankQueue), (conversation.Status, conversation.QueueId));
        Assert.True(app.LoggedErrors.IsEmpty, string.Join("\n", app.LoggedErrors));
    }
}
