using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Conversations;
using Parley.Data;
using Parley.Identity;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>Typing, read receipts, long polling and catching up after a seq, on both databases.</summary>
public sealed class ReceiptsAndPollingTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task Catching_up_after_a_seq_returns_only_the_later_messages_in_order(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        await customer.SendAsync("Parcels", "parcels");
        await customer.WaitForAsync(m => m.Messages.Count >= 3, "the handoff");
        await customer.SendAsync("four");
        await customer.SendAsync("five");

        var later = await customer.MessagesAsync(after: 3);
        Assert.Equal([4L, 5], later.Messages.Select(m => m.Seq));
        Assert.Equal(["four", "five"], later.Messages.Select(m => m.Text));

        var page = await customer.Http.GetFromJsonAsync<Parley.Channels.WebMessaging.MessagesResponse>($"{WidgetClient.Base}/messages?after=1&limit=2");
        Assert.Equal([2L, 3], page!.Messages.Select(m => m.Seq));
        Assert.Empty((await customer.MessagesAsync(after: 5)).Messages);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_long_poll_returns_as_soon_as_the_advisor_replies(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (lastSeq, answer) = await PollWhileTheAdvisorActsAsync(app, (actions, marie, id) => actions.ReplyAsync(marie, id, "Here I am", CancellationToken.None));

        var reply = Assert.Single(answer.Messages);
        Assert.Equal((lastSeq + 1, "Here I am", "Marie"), (reply.Seq, reply.Text, reply.AuthorName));
        Assert.Equal("waitingForCustomer", answer.Status);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_long_poll_returns_when_the_conversation_is_resolved_without_a_message(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (_, answer) = await PollWhileTheAdvisorActsAsync(app, (actions, marie, id) => actions.ResolveAsync(marie, id, CancellationToken.None));

        Assert.Equal("resolved", answer.Status);
        Assert.Empty(answer.Messages);
    }

    /// <summary>Starts a long poll on Marie's conversation, checks it waits, lets her act, and checks it returned at once.</summary>
    private static async Task<(long LastSeq, Parley.Channels.WebMessaging.MessagesResponse Answer)> PollWhileTheAdvisorActsAsync(
        ParleyApplication app, Func<ConversationActions, AdvisorSession, long, Task<ActionOutcome>> act)
    {
        var (customer, conversationId, marie) = await AssignedConversationAsync(app, "marie@parley.local");
        using var _ = customer;
        var lastSeq = (await customer.MessagesAsync()).Messages[^1].Seq;

        var watch = Stopwatch.StartNew();
        var poll = customer.MessagesAsync(after: lastSeq, waitSeconds: 20);
        await Task.Delay(300);
        Assert.False(poll.IsCompleted, "The long poll answered before anything happened.");
        var outcome = await act(app.Service<ConversationActions>(), marie, conversationId);
        Assert.True(outcome.Ok, outcome.Error);
        var answer = await poll;

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"The long poll took {watch.Elapsed}.");
        return (lastSeq, answer);
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task A_long_poll_woken_by_a_handoff_returns_its_messages_with_the_status_they_were_written_with(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        using var customer = await app.GuestAsync();
        await customer.OpenAsync();
        var first = await customer.SendAsync("Hello");
        var prompt = await customer.WaitForAsync(m => m.Messages[^1].Seq > first.Seq, "the bot's prompt");
        var lastSeq = prompt.Messages[^1].Seq;

        var poll = customer.MessagesAsync(after: lastSeq, waitSeconds: 20);
        await Task.Delay(300);
        var pick = await customer.SendAsync("Parcels", "parcels");
        var answer = await poll;
        // The poll may wake on the customer's own message (then the notice comes with the next one) or on the handoff.
        var next = answer.Messages.Any(m => m.AuthorKind == AuthorKind.Bot) ? answer : await customer.MessagesAsync(after: pick.Seq, waitSeconds: 20);

        Assert.Equal(Enumerable.Range(1, next.Messages.Count).Select(i => next.Messages[0].Seq + i - 1), next.Messages.Select(m => m.Seq));
        Assert.Equal(AuthorKind.Bot, next.Messages[^1].AuthorKind);
        Assert.Equal("queued", next.Status);
        Assert.Equal(next.Messages[^1].Seq, (await customer.MessagesAsync()).Messages[^1].Seq);
    }

    [Fact]
    public async Task A_long_poll_with_nothing_new_answers_empty_after_the_wait()
    {
        await using var app = new ParleyApplication();
        using var customer = await app.GuestAsync();
        var opened = await customer.OpenAsync();

        var watch = Stopwatch.StartNew();
        var answer = await customer.MessagesAsync(after: opened.LastSeq, waitSeconds: 1);

        Assert.Empty(answer.Messages);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task Read_receipts_flow_both_ways(DatabaseProvider provider)
    {
        await using var app = new ParleyApplication(provider);
        var (customer, conversationId, marie) = await AssignedConversationAsync(app, "marie@parley.local");
        using var _ = customer;
        var actions = app.Service<ConversationActions>();
        Assert.True((await actions.ReplyAsync(marie, conversationId, "Hello", CancellationToken.None)).Ok);
        var before = await customer.MessagesAsync();
        var replySeq = before.Messages[^1].Seq;
        Assert.Equal(DeliveryStatus.Sent, before.Messages[^1].DeliveryStatus);

        // The customer read everything: the business side's messages turn "read".
        var response = await customer.Http.PostAsJsonAsync($"{WidgetClient.Base}/read", new { seq = replySeq + 100 });
        await Expect.StatusAsync(response, HttpStatusCode.NoContent);
        var read = await customer.MessagesAsync();
        Assert.Equal(replySeq, read.CustomerReadSeq);
        Assert.All(read.Messages.Where(m => m.AuthorKind is AuthorKind.Bot or AuthorKind.Advisor), m => Assert.Equal(DeliveryStatus.Read, m.DeliveryStatus));
        Assert.All(read.Messages.Where(m => m.AuthorKind == AuthorKind.Customer), m => Assert.Equal(DeliveryStatus.Delivered, m.DeliveryStatus));

        // The customer writes; the advisor reads it: the widget sees advisorReadSeq move.
        var sent = await customer.SendAsync("Thanks, my tracking number is 123");
        await customer.WaitForAsync(m => m.Status == "assigned", "the reply to be processed");
        Assert.True(read.AdvisorReadSeq < sent.Seq);
        Assert.True((await actions.AdvisorReadAsync(marie, conversationId, sent.Seq, CancellationToken.None)).Ok);
        Assert.Equal(sent.Seq, (await customer.MessagesAsync()).AdvisorReadSeq);

        // Another advisor reading does not move the receipt; the customer's new message leaves it room to move.
        var unread = await customer.SendAsync("Is it on its way?");
        var luca = await app.AdvisorAsync("luca@parley.local");
        Assert.True((await actions.AdvisorReadAsync(luca, conversationId, unread.Seq, CancellationToken.None)).Ok);
        Assert.Equal(sent.Seq, (await customer.MessagesAsync()).AdvisorReadSeq);
        Assert.True((await actions.AdvisorReadAsync(marie, conversationId, unread.Seq, CancellationToken.None)).Ok);
        Assert.Equal(unread.Seq, (await customer.MessagesAsync()).AdvisorReadSeq);
    }

    [Fact]
    public async Task Typing_reaches_the_console_and_the_widget_live()
    {
        await using var app = new ParleyApplication();
        var (customer, conversationId, marie) = await AssignedConversationAsync(app, "marie@parley.local");
        using var _ = customer;
        var hub = app.Service<ConversationEventHub>();
        var accountId = (await app.DemoInboxAsync()).AccountId;
        using var console = hub.SubscribeAccount(accountId);

        // Customer typing → the advisors of the account.
        await Expect.StatusAsync(await customer.Http.PostAsJsonAsync($"{WidgetClient.Base}/typing", new { typing = true }), HttpStatusCode.NoContent);
        var typing = await NextAsync<TypingChanged>(console);
        Assert.Equal((conversationId, AuthorKind.Customer, true), (typing.ConversationId, typing.AuthorKind, typing.Typing));

        // Advisor typing → the widget's event stream.
        using var events = await customer.Http.GetAsync($"{WidgetClient.Base}/events", HttpCompletionOption.ResponseHeadersRead);
        await Expect.StatusAsync(events, HttpStatusCode.OK);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("event: ready", await stream.ReadLineAsync());
        await actions(app).AdvisorTypingAsync(marie, conversationId, true, CancellationToken.None);
        var (name, data) = await NextEventAsync(stream);
        Assert.Equal("typing", name);
        Assert.Contains("\"authorName\":\"Marie\"", data, StringComparison.Ordinal);
        Assert.Contains("\"typing\":true", data, StringComparison.Ordinal);

        await actions(app).ReplyAsync(marie, conversationId, "Typed it", CancellationToken.None);
        (name, data) = await NextEventAsync(stream, skip: "status");
        Assert.Equal("message", name);
        Assert.Contains("\"text\":\"Typed it\"", data, StringComparison.Ordinal);

        static ConversationActions actions(ParleyApplication app) => app.Service<ConversationActions>();
    }

    [Theory, OnSqlite, OnPostgres]
    public async Task The_status_in_a_messages_answer_is_never_older_than_its_messages(DatabaseProvider provider)
    {
        await using var database = TestDatabase.Create(provider);
        await using var app = new ParleyApplication(database, processInbound: false);
        using var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("Parcels", "parcels");

        // The engine hands over (status queued + notice) between the request's conversation read and its message read.
        app.Hook.Once(
            sql => sql.Contains("FROM conversations", StringComparison.Ordinal) && sql.Contains("contact_id", StringComparison.Ordinal),
            async () => Assert.True(await app.Service<InboundProcessor>().ProcessNextAsync(conversationId, CancellationToken.None)));
        var answer = await customer.MessagesAsync();
        Assert.True(app.Hook.Fired);

        Assert.True(answer.Messages.Count == 2 || answer.Status == "queued",
            $"Status {answer.Status} came with {answer.Messages.Count} messages, the last: {answer.Messages[^1].Text}");
        var next = await customer.MessagesAsync(after: answer.Messages[^1].Seq);
        Assert.Equal("queued", next.Status);
        Assert.Equal(3, (await customer.MessagesAsync()).Messages.Count);
    }

    private static async Task<(WidgetClient Customer, long ConversationId, AdvisorSession Advisor)> AssignedConversationAsync(ParleyApplication app, string advisorEmail)
    {
        var advisor = await app.AdvisorAsync(advisorEmail);
        await app.Service<ConversationActions>().SetPresenceAsync(advisor, Presence.Online, CancellationToken.None);
        var customer = await app.GuestAsync();
        var conversationId = (await customer.OpenAsync()).ConversationId;
        await customer.SendAsync("Parcels", "parcels");
        await customer.WaitForAsync(m => m.Status == "assigned" && m.Messages.Count >= 4, "the assignment");
        Assert.Equal(advisor.Id, await app.DbAsync(db => db.Conversations.Where(c => c.Id == conversationId).Select(c => c.AssigneeId).FirstAsync()));
        return (customer, conversationId, advisor);
    }

    private static async Task<T> NextAsync<T>(ConversationEventHub.Subscription subscription)
        where T : ConversationEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await subscription.Reader.ReadAsync(timeout.Token) is T e)
            {
                return e;
            }
        }
    }

    private static async Task<(string Name, string Data)> NextEventAsync(StreamReader stream, string? skip = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? name = null;
        while (true)
        {
            var line = await stream.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null && name != skip)
            {
                return (name, line["data: ".Length..]);
            }
        }
    }
}
