using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>What the engine promises about inbound messages: stored once per channel message id, and never lost once acknowledged.</summary>
public sealed class InboundDurabilityTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task A_retried_client_message_id_is_stored_once_and_answers_the_same_message(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();

        var first = await customer.SendAsync("Where is my parcel?", clientMessageId: "retry-1");
        var again = await customer.SendAsync("Where is my parcel?", clientMessageId: "retry-1");
        var differentText = await customer.SendAsync("something else", clientMessageId: "retry-1");

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal((first.Id, first.Seq), (again.Id, again.Seq));
        Assert.Equal((first.Id, first.Seq), (differentText.Id, differentText.Seq));
        var stored = await app.DbAsync(db => db.Messages.Where(m => m.AuthorKind == AuthorKind.Customer).ToListAsync());
        Assert.Equal("Where is my parcel?", Assert.Single(stored).Text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Concurrent_deliveries_of_the_same_message_are_stored_once(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();

        // No conversation yet: the concurrent first messages also race to create it.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => customer.PostMessageAsync("hello", clientMessageId: "same-id")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var results = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<Parley.Channels.WebMessaging.SendResponse>()));
        Assert.Single(results.Select(r => r!.Id).Distinct());
        Assert.Single(results, r => !r!.Duplicate);
        Assert.Equal(1, await app.DbAsync(db => db.Messages.CountAsync(m => m.AuthorKind == AuthorKind.Customer)));
        Assert.Equal(1, await app.DbAsync(db => db.Conversations.CountAsync()));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_same_client_message_id_from_two_customers_is_two_messages(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var one = await app.GuestAsync();
        using var two = await app.GuestAsync();

        var a = await one.SendAsync("hi", clientMessageId: "1");
        var b = await two.SendAsync("hi", clientMessageId: "1");

        // A client's ids are only unique for that client: another customer's equal id must not swallow the message.
        Assert.False(b.Duplicate, "A second customer's message was taken for a duplicate of another customer's message with the same client id.");
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal("hi", Assert.Single((await two.MessagesAsync()).Messages, m => m.AuthorKind == AuthorKind.Customer).Text);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Messages_acknowledged_before_a_crash_are_processed_by_the_next_host_exactly_once(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var clock = new TestClock();
        long conversationId;
        string refreshToken;
        await using (var crashed = new ParleyApplication(database, clock, processInbound: false))
        {
            using var customer = await crashed.GuestAsync();
            refreshToken = customer.Session!.RefreshToken;
            conversationId = (await customer.OpenAsync()).ConversationId;
            await customer.SendAsync("Parcels", "parcels", "m1");
            await customer.SendAsync("It was due yesterday", clientMessageId: "m2");
            await customer.SendAsync("Tracking 123", clientMessageId: "m3");

            // Acknowledged (202) but not processed: the host goes away now.
            var pending = await crashed.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversationId && !m.Processed));
            Assert.Equal(3, pending);
            Assert.Equal("withBot", (await customer.MessagesAsync()).Status);
        }

        await using var restarted = new ParleyApplication(database, clock);
        await restarted.Service<ConversationActions>().SetPresenceAsync(await restarted.AdvisorAsync("luca@parley.local"), Presence.Online, CancellationToken.None);
        using var back = await restarted.ReturningGuestAsync(refreshToken);

        // The customer's retry of a message the first host acknowledged is still a duplicate.
        Assert.True((await back.SendAsync("Tracking 123", clientMessageId: "m3")).Duplicate);

        var after = await back.WaitForAsync(m => m.Status == "assigned", "the handoff and assignment after the restart");
        var customerTexts = after.Messages.Where(m => m.AuthorKind == AuthorKind.Customer).Select(m => m.Text).ToList();
        Assert.Equal(["Parcels", "It was due yesterday", "Tracking 123"], customerTexts);
        Assert.Contains(after.Messages, m => m.AuthorKind == AuthorKind.Bot && m.Text!.Contains("about Parcels", StringComparison.Ordinal));
        Assert.Contains(after.Messages, m => m.Text == "Luca joined the conversation.");
        Assert.Equal(Enumerable.Range(1, after.Messages.Count).Select(i => (long)i), after.Messages.Select(m => m.Seq));
        await Expect.UntilAsync(
            async () => await restarted.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversationId && !m.Processed)) == 0,
            "every message processed");
        Assert.Equal(1, await restarted.DbAsync(db => db.Conversations.CountAsync()));
        Assert.True(restarted.LoggedErrors.IsEmpty, string.Join("\n", restarted.LoggedErrors));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_first_message_without_opening_creates_the_conversation_and_the_bot_answers(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();

        var sent = await customer.SendAsync("hello?");
        var answered = await customer.WaitForAsync(m => m.Messages.Count >= 2, "the bot's answer");

        Assert.Equal(1, sent.Seq);
        Assert.Equal(AuthorKind.Customer, answered.Messages[0].AuthorKind);
        Assert.Equal(ContentType.ListPicker, answered.Messages[1].ContentType);
        Assert.Equal("withBot", answered.Status);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_message_to_a_queued_conversation_is_settled_as_it_is_stored_unless_an_older_one_is_pending(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        var clock = new TestClock();
        string refreshToken;
        long conversationId;
        await using (var first = new ParleyApplication(database, clock))
        {
            using var customer = await first.GuestAsync();
            refreshToken = customer.Session!.RefreshToken;
            conversationId = (await customer.OpenAsync()).ConversationId;
            await customer.SendAsync("Parcels", "parcels");
            await customer.WaitForAsync(m => m.Status == "queued", "the handoff to the parcels queue");
        }

        // No processor from here on: only the accepting transaction can settle a message.
        await using var app = new ParleyApplication(database, clock, processInbound: false);
        using var back = await app.ReturningGuestAsync(refreshToken);
        var before = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        clock.Advance(TimeSpan.FromMinutes(5));

        var settled = await back.SendAsync("Any news?", clientMessageId: "n1");

        var message = await app.DbAsync(db => db.Messages.AsNoTracking().FirstAsync(m => m.Id == settled.Id));
        var after = await app.DbAsync(db => db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversationId));
        Assert.True(message.Processed, "A message to a queued conversation with nothing pending was left for the processor.");
        Assert.Equal(ConversationStatus.Queued, after.Status);
        Assert.Equal(message.CreatedAt, after.LastCustomerMessageAt);
        Assert.True(after.UpdatedAt > before.UpdatedAt);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(settled.Seq, after.LastSeq);

        // An older message still waiting (its processing failed, say): the new one must wait behind it, in order.
        await app.DbAsync(db => db.Messages.Where(m => m.Id == settled.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Processed, false)));
        var behind = await back.SendAsync("Hello?", clientMessageId: "n2");

        Assert.False(await app.DbAsync(db => db.Messages.Where(m => m.Id == behind.Id).Select(m => m.Processed).FirstAsync()),
            "A message was settled ahead of an older unprocessed message of its conversation.");
        Assert.Equal(settled.Seq + 1, behind.Seq);
    }
}
